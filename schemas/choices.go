package schemas

import "fmt"

// Choice is one value of an enum field with the label every platform's
// dropdown shows for it.
type Choice struct {
	Label string `json:"label"`
	Value any    `json:"value"`
}

// Choices lists the values of one enum property of a schema (e.g.
// "candidate", "status") with the labels the Zapier, Make and n8n
// renderings use, so /v1/meta/options lists exactly what the forms offer.
func Choices(schemaName, property string) ([]Choice, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.Name != property {
			continue
		}
		if f.Kind != kindEnum {
			return nil, fmt.Errorf("schemas: %s.%s is not an enum", schemaName, property)
		}
		out := make([]Choice, 0, len(f.Enum))
		for _, v := range f.Enum {
			out = append(out, Choice{Label: optionLabel(v), Value: v})
		}
		return out, nil
	}
	return nil, fmt.Errorf("schemas: %s has no property %s", schemaName, property)
}
