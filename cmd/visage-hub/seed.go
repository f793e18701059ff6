package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/seed"
)

// runSeed fills an account with demo data:
// `visage-hub seed --account ID [--jobs 8] [--candidates 300] [--seed N]`.
func runSeed(ctx context.Context, args []string, out io.Writer) error {
	var jobs, cands *int
	var seedValue *int64
	var asJSON *bool
	ac, err := openAccountCommand(ctx, "seed", args, func(fs *flag.FlagSet) {
		jobs = fs.Int("jobs", 8, "how many jobs to create")
		cands = fs.Int("candidates", 300, "how many candidates to create across the jobs")
		seedValue = fs.Int64("seed", time.Now().UnixNano(), "random seed; the same seed gives the same demo people")
		asJSON = fs.Bool("json", false, "print the counts as JSON")
	})
	if err != nil {
		return err
	}
	defer ac.st.Close()
	secret, err := serverSecret(ctx, ac.st)
	if err != nil {
		return err
	}
	// The events seeding writes carry resume links a running hub accepts.
	ac.st.SetCandidateDecorator(httpapi.ResumeLinker(ac.cfg, secret))
	res, err := seed.Run(ctx, ac.st, ac.account, seed.Options{Jobs: *jobs, Candidates: *cands, Seed: *seedValue})
	if err != nil {
		return err
	}
	statuses := make([]string, 0, len(res.ByStatus))
	for s, n := range res.ByStatus {
		statuses = append(statuses, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(statuses)
	summary := fmt.Sprintf("seeded %d jobs and %d candidates (%d with a resume; %s)",
		res.Jobs, res.Candidates, res.Resumes, strings.Join(statuses, ", "))
	return printValue(out, *asJSON, summary, res)
}
