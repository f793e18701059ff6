package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/meta"
	"github.com/visage-jobs/visage-hub/schemas"
)

const metaTag = "Metadata"

// MetaStore is what the dropdown lists read: an account's open jobs,
// newest first, narrowed by title (store.JobOptions).
type MetaStore interface {
	JobOptions(ctx context.Context, accountID, q string, limit int) ([]hub.Job, error)
}

// maxOptionQuery bounds ?q= of the options lists: longer than any title.
const maxOptionQuery = 200

// optionLists names the lists GET /v1/meta/options/{name} serves.
var optionLists = []string{"jobs", "candidate_statuses", "event_types"}

// metaRoutes serve the catalog to the platform packages and to anyone
// building a connector: the catalog, each schema resolved, the catalog in
// each platform's field format (package meta), and the dynamic dropdown
// lists. Everything but the job list is the same for every account and
// built once, so it is public like /openapi.json and served with an ETag.
func (s *Server) metaRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/v1/meta", Access: Public, Summary: "The catalog: every trigger, action and search, and the event types",
			Tag: metaTag, Response: "meta_catalog", handler: serveOpenAPI(staticJSON(func() (any, error) { return meta.Get() }))},
		{Method: "GET", Path: "/v1/meta/schemas/:name", Access: Public, Summary: "One JSON Schema, every $ref resolved",
			Tag: metaTag, Response: "meta_schema", handler: metaSchema},
		{Method: "GET", Path: "/v1/meta/zapier", Access: Public, Summary: "The catalog in Zapier's app-definition format",
			Tag: metaTag, Response: "meta_zapier", handler: serveOpenAPI(staticJSON(func() (any, error) { return meta.Zapier() }))},
		{Method: "GET", Path: "/v1/meta/make", Access: Public, Summary: "The catalog as Make modules",
			Tag: metaTag, Response: "meta_make", handler: serveOpenAPI(staticJSON(func() (any, error) { return meta.Make() }))},
		{Method: "GET", Path: "/v1/meta/n8n", Access: Public, Summary: "The catalog as n8n node properties",
			Tag: metaTag, Response: "meta_n8n", handler: serveOpenAPI(staticJSON(func() (any, error) { return meta.N8n() }))},
		{Method: "GET", Path: "/v1/meta/options/:name", Access: AnyCaller,
			Summary: "A dropdown's choices: jobs (the account's open jobs, newest first), candidate_statuses or event_types",
			Tag:     metaTag, Response: "array:meta_option", handler: s.metaOptions,
			Query: []Param{{Name: "q", Type: "string",
				Description: fmt.Sprintf("Only choices whose label contains this text, ignoring case (for jobs: the title). At most %d characters; %% and _ are plain characters.", maxOptionQuery)}}},
	}
}

// staticJSON encodes a view once; serveOpenAPI (which serves any document
// built once) adds the ETag and revalidation.
func staticJSON(build func() (any, error)) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) {
		v, err := build()
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	})
}

func metaSchema(c *fiber.Ctx) error {
	name := c.Params("name")
	if _, ok := schemas.Raw(name); !ok {
		return hub.Errorf(hub.ENotFound, "no schema named %q; GET /v1/meta lists the schemas of the catalog", name)
	}
	s, err := schemas.Resolved(name)
	if err != nil {
		return fmt.Errorf("resolve schema %s: %w", name, err)
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return sendJSON(c, fiber.StatusOK, s)
}

// metaOptions answers a dropdown list as a bare array of {label, value}.
func (s *Server) metaOptions(c *fiber.Ctx) error {
	q := c.Query("q")
	if !utf8.ValidString(q) || strings.ContainsRune(q, 0) || utf8.RuneCountInString(q) > maxOptionQuery {
		return hub.Invalid(hub.FieldError{Field: "q", Message: fmt.Sprintf("must be UTF-8 text of at most %d characters", maxOptionQuery)})
	}
	var (
		list []meta.Option
		err  error
	)
	switch name := c.Params("name"); name {
	case "jobs":
		jobs, jerr := s.store.JobOptions(c.UserContext(), principal(c).AccountID, q, 0)
		if jerr != nil {
			return jerr
		}
		list = make([]meta.Option, 0, len(jobs))
		for _, j := range jobs {
			list = append(list, meta.Option{Label: meta.JobOptionLabel(j), Value: j.ID})
		}
		return sendJSON(c, fiber.StatusOK, list)
	case "candidate_statuses":
		list, err = meta.CandidateStatusOptions()
	case "event_types":
		list, err = meta.EventTypeOptions()
	default:
		return hub.Errorf(hub.ENotFound, "no options list %q; the lists are %s", name, strings.Join(optionLists, ", "))
	}
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, filterOptions(list, q))
}

// filterOptions keeps the options whose label contains q, ignoring case.
func filterOptions(list []meta.Option, q string) []meta.Option {
	out := make([]meta.Option, 0, len(list))
	q = strings.ToLower(q)
	for _, o := range list {
		if strings.Contains(strings.ToLower(o.Label), q) {
			out = append(out, o)
		}
	}
	return out
}
