package actions

import (
	"context"

	"github.com/visage-jobs/visage-hub/hub"
)

// createJob is create_job: POST /v1/jobs through a connector.
func createJob(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in hub.JobInput
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	j := hub.Job{ExternalID: in.ExternalID}
	in.Replace(&j)
	return b.CreateJob(ctx, accountID, j)
}

// updateJob is update_job: PATCH /v1/jobs/{job_id} with the other members.
func updateJob(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		JobID string `json:"job_id"`
		hub.JobInput
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	fields, err := present(input)
	if err != nil {
		return nil, err
	}
	delete(fields, "job_id")
	return b.UpdateJob(ctx, accountID, in.JobID, in.Patch(fields))
}

// upsertJob is upsert_job: PUT /v1/jobs/by-external-id/{external_id}.
func upsertJob(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		ExternalID string `json:"external_id"` // shadows JobInput's
		hub.JobInput
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	j, _, err := b.UpsertJobByExternalID(ctx, accountID, in.ExternalID, func(j *hub.Job) error {
		in.Replace(j)
		return nil
	})
	return j, err
}

// closeJob is close_job: POST /v1/jobs/{job_id}/close; closing a closed
// job changes nothing and sends no event.
func closeJob(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		JobID string `json:"job_id"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	return b.UpdateJob(ctx, accountID, in.JobID, func(j *hub.Job) error {
		j.Status = hub.JobClosed
		return nil
	})
}
