//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub/resume"
)

// TestN8nPackage runs the n8n package in a real n8n against a real hub:
// the action node's operations through `n8n execute`, then both triggers in
// a running n8n, through a real hub event, and the REST hook's lifecycle.
func TestN8nPackage(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, dir)

	// A loopback file server for attach_resume (the hub downloads through
	// its SSRF guard, which VISAGE_ALLOW_PRIVATE_TARGETS=all opens to it).
	pdf := resume.GeneratePDF("Zoë Durand", []string{"Staff engineer", "Berlin"})
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cv.pdf" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(pdf)
	}))
	t.Cleanup(files.Close)

	n := newN8n(t, dir)
	nonce := time.Now().UTC().Format("150405.000")
	email := "zoe.durand+" + strings.ReplaceAll(nonce, ".", "") + "@example.com"
	title := "Staff Engineer (n8n e2e " + nonce + ")"
	fileName := "Zoë Durand CV.pdf"

	n.cli(t, "import:credentials", "--input="+writeJSON(t, dir, "creds.json", credentials(h.url, h.key)))
	n.cli(t, "import:workflow", "--input="+writeJSON(t, dir, "workflows.json", []map[string]any{
		actionsWorkflow(title, email, files.URL+"/cv.pdf", fileName), hookWorkflow(), pollWorkflow(),
	}))

	var candidateID, jobID string
	t.Run("actions", func(t *testing.T) {
		out := n.execute(t, actionsWF)
		job := only(t, out, "Create Job")
		if !strings.HasPrefix(str(job.JSON["id"]), "job_") || job.JSON["title"] != title || job.JSON["status"] != "open" {
			t.Fatalf("Create Job returned %v", job.JSON)
		}
		jobID = str(job.JSON["id"])
		cand := only(t, out, "Create Candidate")
		candidateID = str(cand.JSON["id"])
		if !strings.HasPrefix(candidateID, "cand_") || cand.JSON["job_id"] != job.JSON["id"] || cand.JSON["email"] != email {
			t.Fatalf("Create Candidate returned %v (job %v)", cand.JSON, job.JSON["id"])
		}
		if st := only(t, out, "Update Status"); st.JSON["id"] != candidateID || st.JSON["status"] != "contacted" {
			t.Fatalf("Update Status returned %v", st.JSON)
		}
		attached := only(t, out, "Attach Resume")
		res, _ := attached.JSON["resume"].(map[string]any)
		if attached.JSON["id"] != candidateID || res == nil || res["content_type"] != "application/pdf" || res["size"] != float64(len(pdf)) {
			t.Fatalf("Attach Resume returned %v", attached.JSON)
		}
		found := out["Find Candidate"]
		if len(found) != 1 || found[0].JSON["id"] != candidateID {
			t.Fatalf("Find Candidate returned %d items: %v", len(found), found)
		}
		dl := only(t, out, "Download Resume")
		bin, ok := dl.Binary["resume"]
		if !ok {
			t.Fatalf("Download Resume has no binary field resume: %+v", dl)
		}
		// The hub's own record names the file; the node must use that name.
		var stored struct {
			Status string   `json:"status"`
			Tags   []string `json:"tags"`
			Resume struct {
				Filename string `json:"filename"`
			} `json:"resume"`
		}
		h.api.must(t, 200, "GET", "/v1/candidates/"+candidateID, nil, &stored)
		if stored.Status != "contacted" || stored.Resume.Filename == "" {
			t.Fatalf("the hub holds %+v", stored)
		}
		if bin.FileName != stored.Resume.Filename || bin.MimeType != "application/pdf" {
			t.Fatalf("binary is %q (%s), the hub's file is %q", bin.FileName, bin.MimeType, stored.Resume.Filename)
		}
		if dl.JSON["file_size"] != float64(len(pdf)) || dl.JSON["file_name"] != stored.Resume.Filename {
			t.Fatalf("Download Resume json %v, want %d bytes", dl.JSON, len(pdf))
		}
		t.Logf("resume downloaded as %q, %d bytes", bin.FileName, len(pdf))
	})
	if candidateID == "" {
		t.Fatal("no candidate to fire trigger events for")
	}

	t.Run("triggers", func(t *testing.T) {
		d, anon := n.serve(t, "n8n.log")
		rest := ownerSession(t, anon)

		// The credential test n8n's editor runs (GET /v1/me with the key).
		var tested struct {
			Data struct {
				Status  string `json:"status"`
				Message string `json:"message"`
			} `json:"data"`
		}
		rest.must(t, 200, "POST", "/rest/credentials/test", map[string]any{"credentials": map[string]any{
			"id": credID, "name": credName, "type": "visageApi",
			"data": map[string]any{"apiKey": h.key, "baseUrl": h.url},
		}}, &tested)
		if tested.Data.Status != "OK" {
			t.Fatalf("credential test: %+v", tested.Data)
		}

		// The job dropdown (methods.loadOptions.getJobs) as the editor loads
		// it: the open job the actions created is a choice, labelled by title.
		var jobs struct {
			Data []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"data"`
		}
		rest.must(t, 200, "POST", "/rest/dynamic-node-parameters/options", map[string]any{
			"path":                  "parameters.job_id",
			"nodeTypeAndVersion":    map[string]any{"name": visageNode, "version": 1},
			"currentNodeParameters": map[string]any{"resource": "job", "operation": "update_job"},
			"methodName":            "getJobs",
			"credentials":           visageCred,
		}, &jobs)
		listed := false
		for _, o := range jobs.Data {
			listed = listed || (o.Value == jobID && strings.Contains(o.Name, title))
		}
		if !listed {
			t.Fatalf("getJobs offered %+v, want %s (%q)", jobs.Data, jobID, title)
		}

		activate(t, rest, hookWF)
		activate(t, rest, pollWF)

		// Activation subscribed the webhook URL to candidate.interested and
		// kept the hook's ID in the workflow's static data.
		target := fmt.Sprintf("http://127.0.0.1:%d/webhook/%s/webhook", n.port, hookWebhookID)
		hookID := str(staticData(t, rest, hookWF)["node:Visage Trigger"]["hookId"])
		var hook map[string]any
		h.api.must(t, 200, "GET", "/v1/hooks/"+url.PathEscape(hookID), nil, &hook)
		if hook["target_url"] != target || hook["event"] != "candidate.interested" {
			t.Fatalf("hook %s is %v, want %s for candidate.interested", hookID, hook, target)
		}
		// The poller's first run stored its cursor (and emitted nothing).
		waitFor(t, "polling cursor in static data", time.Minute, d, func() (bool, string) {
			sd := staticData(t, rest, pollWF)
			return str(sd["node:Visage Polling Trigger"]["since"]) != "", fmt.Sprint(sd)
		})

		// A forged delivery (right shape, no valid signature) starts nothing.
		forged := client{base: target, headers: map[string]string{
			"webhook-id": "msg_forged", "webhook-timestamp": fmt.Sprint(time.Now().Unix()),
			"webhook-signature": "v1,bm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxsIG5vcGU=",
		}}
		if status, body := forged.do(t, "POST", "", map[string]any{
			"id": "evt_forged", "type": "candidate.interested",
			"item": map[string]any{"id": "evt_forged", "candidate_id": candidateID},
		}, nil); status != 401 {
			t.Fatalf("a forged delivery got %d, want 401: %s", status, body)
		}

		// A real hub event: the candidate says yes.
		fired := time.Now()
		h.api.must(t, 200, "PATCH", "/v1/candidates/"+candidateID, map[string]any{"status": "interested"}, nil)

		waitFor(t, "the webhook workflow to tag the candidate", time.Minute, d, func() (bool, string) {
			return hasTag(t, h, candidateID, hookTag)
		})
		t.Logf("event to webhook workflow's effect on the hub: %s", time.Since(fired).Round(10*time.Millisecond))
		waitFor(t, "a successful webhook execution in n8n", 30*time.Second, d, func() (bool, string) {
			return executionSucceeded(t, rest, hookWF)
		})
		// n8n polls at most once a minute, so this takes up to ~70s.
		waitFor(t, "the polling workflow to tag the candidate", 150*time.Second, d, func() (bool, string) {
			return hasTag(t, h, candidateID, pollTag)
		})
		t.Logf("event to polling workflow's effect on the hub: %s", time.Since(fired).Round(10*time.Millisecond))

		// A restart keeps the subscription: on start n8n asks checkExists,
		// which finds the hook (GET /v1/hooks/{id}), so no second one is made.
		d.stop(t)
		d, anon = n.serve(t, "n8n-restarted.log")
		rest = login(t, anon)
		if again := str(staticData(t, rest, hookWF)["node:Visage Trigger"]["hookId"]); again != hookID {
			t.Fatalf("after a restart the node keeps hook %q, want %q", again, hookID)
		}
		if got := hooksFor(t, h, target); len(got) != 1 || got[0] != hookID {
			t.Fatalf("after a restart the hub has hooks %v for n8n, want only %s", got, hookID)
		}

		// A hook deleted behind n8n's back (as a 410 answer does) is
		// recreated on the next start: checkExists sees the 404.
		d.stop(t)
		h.api.must(t, 204, "DELETE", "/v1/hooks/"+url.PathEscape(hookID), nil, nil)
		d, anon = n.serve(t, "n8n-recreated.log")
		rest = login(t, anon)
		newID := str(staticData(t, rest, hookWF)["node:Visage Trigger"]["hookId"])
		if got := hooksFor(t, h, target); newID == "" || newID == hookID || len(got) != 1 || got[0] != newID {
			t.Fatalf("after the hook was deleted: node keeps %q (old %s), hub has %v", newID, hookID, got)
		}
		hookID = newID

		deactivate(t, rest, hookWF)
		deactivate(t, rest, pollWF)
		if status, body := h.api.do(t, "GET", "/v1/hooks/"+url.PathEscape(hookID), nil, nil); status != 404 {
			t.Fatalf("after deactivating, GET /v1/hooks/%s answers %d: %s", hookID, status, body)
		}
		if got := hooksFor(t, h, target); len(got) != 0 {
			t.Fatalf("the hub still lists hooks %v for n8n", got)
		}
	})
}

// hooksFor lists the IDs of the account's hooks that deliver to target.
func hooksFor(t *testing.T, h *hubProc, target string) []string {
	t.Helper()
	var hooks struct {
		Data []map[string]any `json:"data"`
	}
	h.api.must(t, 200, "GET", "/v1/hooks?limit=200", nil, &hooks)
	var ids []string
	for _, hk := range hooks.Data {
		if hk["target_url"] == target {
			ids = append(ids, str(hk["id"]))
		}
	}
	return ids
}

func only(t *testing.T, out map[string][]runItem, node string) runItem {
	t.Helper()
	items := out[node]
	if len(items) != 1 {
		t.Fatalf("%s returned %d items, want 1: %v", node, len(items), items)
	}
	return items[0]
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func hasTag(t *testing.T, h *hubProc, candidateID, tag string) (bool, string) {
	var c struct {
		Tags []string `json:"tags"`
	}
	h.api.must(t, 200, "GET", "/v1/candidates/"+candidateID, nil, &c)
	for _, got := range c.Tags {
		if got == tag {
			return true, ""
		}
	}
	return false, fmt.Sprintf("tags %v", c.Tags)
}

// workflowData is GET /rest/workflows/{id}'s data.
func workflowData(t *testing.T, rest client, id string) map[string]any {
	t.Helper()
	var wf struct {
		Data map[string]any `json:"data"`
	}
	rest.must(t, 200, "GET", "/rest/workflows/"+id, nil, &wf)
	return wf.Data
}

// staticData is a workflow's static data, keyed by "node:<name>".
func staticData(t *testing.T, rest client, id string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	raw, _ := json.Marshal(workflowData(t, rest, id)["staticData"])
	_ = json.Unmarshal(raw, &out)
	return out
}

func activate(t *testing.T, rest client, id string) {
	t.Helper()
	version := str(workflowData(t, rest, id)["versionId"])
	rest.must(t, 200, "POST", "/rest/workflows/"+id+"/activate", map[string]any{"versionId": version}, nil)
}

func deactivate(t *testing.T, rest client, id string) {
	t.Helper()
	rest.must(t, 200, "POST", "/rest/workflows/"+id+"/deactivate", map[string]any{}, nil)
}

// executionSucceeded looks for a finished, successful execution of the
// workflow in n8n's execution list.
func executionSucceeded(t *testing.T, rest client, id string) (bool, string) {
	filter, _ := json.Marshal(map[string]any{"workflowId": id})
	var list struct {
		Data struct {
			Results []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
				Mode   string `json:"mode"`
			} `json:"results"`
		} `json:"data"`
	}
	rest.must(t, 200, "GET", "/rest/executions?filter="+url.QueryEscape(string(filter)), nil, &list)
	for _, e := range list.Data.Results {
		if e.Status == "success" && e.Mode == "webhook" {
			return true, ""
		}
	}
	return false, fmt.Sprintf("%+v", list.Data.Results)
}
