package meta

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// Option is one entry of a dynamic dropdown, the shape of GET
// /v1/meta/options/{name} items, of Make's RPC output and of the Zapier
// job_list trigger's items (there as {id, label}).
type Option struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// JobOptionLabel is how a job is shown in every job dropdown: its title,
// and its location when it has one, so two openings with one title can be
// told apart ("Senior Recruiter (Berlin)").
func JobOptionLabel(j hub.Job) string {
	if j.Location != nil && strings.TrimSpace(*j.Location) != "" {
		return j.Title + " (" + *j.Location + ")"
	}
	return j.Title
}

// CandidateStatusOptions lists the candidate statuses with the labels the
// platform forms show for them (from the candidate schema's enum).
func CandidateStatusOptions() ([]Option, error) {
	cs, err := schemas.Choices("candidate", "status")
	if err != nil {
		return nil, fmt.Errorf("meta: candidate statuses: %w", err)
	}
	out := make([]Option, 0, len(cs))
	for _, c := range cs {
		out = append(out, Option{Label: c.Label, Value: fmt.Sprint(c.Value)})
	}
	return out, nil
}

// EventTypeOptions lists the event types, labelled with their trigger.
func EventTypeOptions() ([]Option, error) {
	c, err := Get()
	if err != nil {
		return nil, err
	}
	out := make([]Option, 0, len(c.EventTypes))
	for _, et := range c.EventTypes {
		out = append(out, Option{Label: et.Label, Value: et.Type})
	}
	return out, nil
}

// sampleJobOption is the job example as a dropdown entry, the sample of
// Zapier's job_list trigger.
func sampleJobOption() (Option, error) {
	raw, ok := schemas.Example("job")
	if !ok {
		return Option{}, fmt.Errorf("meta: the job schema has no example")
	}
	var j hub.Job
	if err := json.Unmarshal(raw, &j); err != nil {
		return Option{}, fmt.Errorf("meta: job example: %w", err)
	}
	return Option{Label: JobOptionLabel(j), Value: j.ID}, nil
}
