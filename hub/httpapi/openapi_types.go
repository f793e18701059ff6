package httpapi

// The OpenAPI 3.1 objects the document is made of. Only the members the hub
// uses are declared; the JSON names are the specification's.
type (
	oaDocument struct {
		OpenAPI    string                `json:"openapi"`
		Info       oaInfo                `json:"info"`
		Servers    []oaServer            `json:"servers"`
		Tags       []oaTag               `json:"tags"`
		Paths      map[string]oaPathItem `json:"paths"`
		Webhooks   map[string]oaPathItem `json:"webhooks,omitempty"`
		Components oaComponents          `json:"components"`
		byID       map[string]string     // operationId → route, to refuse duplicates
		tagSeen    map[string]bool       // tags already listed, in order of first use
	}
	oaInfo struct {
		Title       string     `json:"title"`
		Version     string     `json:"version"`
		Summary     string     `json:"summary,omitempty"`
		Description string     `json:"description,omitempty"`
		License     *oaLicense `json:"license,omitempty"`
	}
	oaLicense struct {
		Name       string `json:"name"`
		Identifier string `json:"identifier,omitempty"`
	}
	oaServer struct {
		URL         string `json:"url"`
		Description string `json:"description,omitempty"`
	}
	oaTag struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
	}
	oaPathItem  map[string]*oaOperation // lower-case method → operation
	oaOperation struct {
		OperationID string                `json:"operationId"`
		Summary     string                `json:"summary"`
		Description string                `json:"description,omitempty"`
		Tags        []string              `json:"tags"`
		Security    []map[string][]string `json:"security"`
		Parameters  []any                 `json:"parameters,omitempty"`
		RequestBody *oaRequestBody        `json:"requestBody,omitempty"`
		Responses   map[string]any        `json:"responses"`
	}
	oaParameter struct {
		Name        string         `json:"name"`
		In          string         `json:"in"`
		Description string         `json:"description,omitempty"`
		Required    bool           `json:"required"`
		Schema      map[string]any `json:"schema"`
	}
	oaRef struct {
		Ref string `json:"$ref"`
	}
	oaRequestBody struct {
		Description string             `json:"description,omitempty"`
		Required    bool               `json:"required"`
		Content     map[string]oaMedia `json:"content"`
	}
	oaMedia struct {
		Schema   any                  `json:"schema,omitempty"`
		Examples map[string]oaExample `json:"examples,omitempty"`
	}
	oaExample struct {
		Summary string `json:"summary,omitempty"`
		Value   any    `json:"value"`
	}
	oaResponse struct {
		Description string             `json:"description"`
		Headers     map[string]any     `json:"headers,omitempty"`
		Content     map[string]oaMedia `json:"content,omitempty"`
	}
	oaHeader struct {
		Description string         `json:"description"`
		Schema      map[string]any `json:"schema"`
	}
	oaComponents struct {
		Schemas         map[string]any              `json:"schemas"`
		Responses       map[string]oaResponse       `json:"responses"`
		Parameters      map[string]oaParameter      `json:"parameters"`
		Headers         map[string]oaHeader         `json:"headers"`
		SecuritySchemes map[string]oaSecurityScheme `json:"securitySchemes"`
	}
	oaSecurityScheme struct {
		Type         string `json:"type"`
		Description  string `json:"description,omitempty"`
		Scheme       string `json:"scheme,omitempty"`
		BearerFormat string `json:"bearerFormat,omitempty"`
		In           string `json:"in,omitempty"`
		Name         string `json:"name,omitempty"`
	}
)
