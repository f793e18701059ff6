package makeapp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// good returns a generated file of the app, parsed, to mutate.
func good(t *testing.T, path string) any {
	t.Helper()
	var v any
	if err := readJSON(filepath.Join("src", filepath.FromSlash(path)), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// edit applies a change to a JSON document given as a Go value (a deep copy
// is made first).
func edit(t *testing.T, v any, change func(m map[string]any)) []byte {
	t.Helper()
	b, _ := json.Marshal(v)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, _ := json.Marshal(m)
	return out
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m = m[k].(map[string]any)
	}
	return m
}

// TestSchemasRejectTypicalMistakes shows each schema refusing a mistake a
// hand-edit could make, next to the generated file it accepts.
func TestSchemasRejectTypicalMistakes(t *testing.T) {
	s := testSchemas(t)
	manifest := good(t, "makecomapp.json")
	base := good(t, "general/base.iml.json")
	conn := good(t, "connections/visage/visage.communication.iml.json")
	hook := good(t, "webhooks/new-candidate-hook/new-candidate-hook.communication.iml.json")
	attach := good(t, "webhooks/new-candidate-hook/new-candidate-hook.attach.iml.json")
	detach := good(t, "webhooks/new-candidate-hook/new-candidate-hook.detach.iml.json")
	action := good(t, "modules/create-job/create-job.communication.iml.json")
	search := good(t, "modules/find-job/find-job.communication.iml.json")
	poll := good(t, "modules/watch-new-candidate/watch-new-candidate.communication.iml.json")
	instant := good(t, "modules/new-candidate/new-candidate.communication.iml.json")
	epoch := good(t, "modules/watch-new-candidate/watch-new-candidate.epoch.iml.json")
	rpc := good(t, "rpcs/list-jobs/list-jobs.communication.iml.json")

	tests := []struct {
		name, role string
		doc        []byte
	}{
		{"makecomapp without the function kind", "makecomapp", edit(t, manifest, func(m map[string]any) { delete(obj(m, "components"), "function") })},
		{"makecomapp RPC id with a dash", "makecomapp", edit(t, manifest, func(m map[string]any) {
			rpcs := obj(m, "components", "rpc")
			rpcs["list-jobs"] = rpcs["listJobs"]
		})},
		{"makecomapp module id starting with a digit", "makecomapp", edit(t, manifest, func(m map[string]any) {
			mods := obj(m, "components", "module")
			mods["2createJob"] = mods["createJob"]
		})},
		{"makecomapp instant trigger without its webhook", "makecomapp", edit(t, manifest, func(m map[string]any) {
			delete(obj(m, "components", "module", "newCandidate"), "webhook")
		})},
		{"makecomapp action with an epoch", "makecomapp", edit(t, manifest, func(m map[string]any) {
			obj(m, "components", "module", "createJob", "codeFiles")["epoch"] = "modules/create-job/create-job.epoch.iml.json"
		})},
		{"makecomapp unknown module type", "makecomapp", edit(t, manifest, func(m map[string]any) {
			obj(m, "components", "module", "createJob")["moduleType"] = "create"
		})},
		{"makecomapp origin not on make.com", "makecomapp", edit(t, manifest, func(m map[string]any) {
			m["origins"].([]any)[0].(map[string]any)["baseUrl"] = "https://eu1.example.com/api"
		})},
		{"base without baseUrl", "base", edit(t, base, func(m map[string]any) { delete(m, "baseUrl") })},
		{"base timeout over 300 s", "base", edit(t, base, func(m map[string]any) { m["timeout"] = 400000 })},
		{"base unknown error type", "base", edit(t, base, func(m map[string]any) { obj(m, "response", "error", "401")["type"] = "AuthError" })},
		{"base error keyed by a non-status", "base", edit(t, base, func(m map[string]any) {
			obj(m, "response", "error")["unauthorized"] = map[string]any{"message": "x"}
		})},
		{"connection response iterates", "connection", edit(t, conn, func(m map[string]any) { obj(m, "response")["iterate"] = "{{body}}" })},
		{"connection response with output", "connection", edit(t, conn, func(m map[string]any) { obj(m, "response")["output"] = "{{body}}" })},
		{"connection relative url (it has no base)", "connection", edit(t, conn, func(m map[string]any) { m["url"] = "/v1/me" })},
		{"webhook communication with a url", "webhook", edit(t, hook, func(m map[string]any) { m["url"] = "/v1/hooks" })},
		{"attach without response.data", "attach", edit(t, attach, func(m map[string]any) { delete(obj(m, "response"), "data") })},
		{"attach not sending webhook.url", "attach", edit(t, attach, func(m map[string]any) { obj(m, "body")["target_url"] = "{{connection.baseUrl}}" })},
		{"detach without the stored id", "detach", edit(t, detach, func(m map[string]any) { m["url"] = "/v1/hooks" })},
		{"detach with a response (Make ignores it)", "detach", edit(t, detach, func(m map[string]any) { m["response"] = map[string]any{"output": "{{body}}"} })},
		{"action with an absolute url", "action", edit(t, action, func(m map[string]any) { m["url"] = "https://public-api.visage.jobs/v1/actions/create_job" })},
		{"action lower-case method", "action", edit(t, action, func(m map[string]any) { m["method"] = "post" })},
		{"action without output", "action", edit(t, action, func(m map[string]any) { delete(obj(m, "response"), "output") })},
		{"action with a trigger", "action", edit(t, action, func(m map[string]any) {
			obj(m, "response")["trigger"] = map[string]any{"type": "id", "order": "desc", "id": "{{item.id}}"}
		})},
		{"search iterate not an expression", "search", edit(t, search, func(m map[string]any) { obj(m, "response")["iterate"] = "body" })},
		{"polling trigger order newest", "trigger", edit(t, poll, func(m map[string]any) { obj(m, "response", "trigger")["order"] = "newest" })},
		{"polling trigger by date without date", "trigger", edit(t, poll, func(m map[string]any) { obj(m, "response", "trigger")["type"] = "date" })},
		{"polling trigger without trigger", "trigger", edit(t, poll, func(m map[string]any) { delete(obj(m, "response"), "trigger") })},
		{"instant trigger with a request", "instant_trigger", edit(t, instant, func(m map[string]any) { m["url"] = "/v1/triggers/new_candidate" })},
		{"epoch limit over 300", "epoch", edit(t, epoch, func(m map[string]any) { obj(m, "response")["limit"] = 500 })},
		{"epoch output without date", "epoch", edit(t, epoch, func(m map[string]any) { delete(obj(m, "response", "output"), "date") })},
		{"rpc output without value", "rpc", edit(t, rpc, func(m map[string]any) { delete(obj(m, "response", "output"), "value") })},
		{"rpc without iterate", "rpc", edit(t, rpc, func(m map[string]any) { delete(obj(m, "response"), "iterate") })},
		{"samples as a string", "samples", []byte(`"a sample"`)},
		{"parameter of type string", "parameters", []byte(`[{"name":"title","label":"Title","type":"string"}]`)},
		{"select with an RPC id with a dash", "parameters", []byte(`[{"name":"job_id","label":"Job","type":"select","options":"rpc://list-jobs"}]`)},
		{"select in an interface", "interface", []byte(`[{"name":"status","label":"Status","type":"select","options":[{"label":"Open","value":"open"}]}]`)},
		{"required in an interface", "interface", []byte(`[{"name":"id","label":"ID","type":"text","required":true}]`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errs := s.Check(tc.role, tc.doc); len(errs) == 0 {
				t.Errorf("%s accepted %s", tc.role, tc.doc)
			}
		})
	}
	// The unedited files pass the same schemas, so each rejection above is
	// the edit's doing.
	for role, v := range map[string]any{"makecomapp": manifest, "base": base, "connection": conn, "webhook": hook,
		"attach": attach, "detach": detach, "action": action, "search": search, "trigger": poll,
		"instant_trigger": instant, "epoch": epoch, "rpc": rpc} {
		b, _ := json.Marshal(v)
		if errs := s.Check(role, b); len(errs) > 0 {
			t.Errorf("generated %s file rejected: %v", role, errs)
		}
	}
}

// TestValidateFindsBrokenReferences breaks a copy of the app in ways no
// single file's schema can see.
func TestValidateFindsBrokenReferences(t *testing.T) {
	s := testSchemas(t)
	tests := []struct {
		name    string
		breakIt func(t *testing.T, dir string)
		want    string
	}{
		{"options name a missing RPC", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "modules/update-job/update-job.mappable-params.iml.json")
			b, _ := os.ReadFile(p)
			writeFile(t, p, strings.ReplaceAll(string(b), "rpc://listJobs", "rpc://listAllJobs"))
		}, "rpc://listAllJobs"},
		{"module on an unknown connection", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m map[string]any) { obj(m, "components", "module", "createJob")["connection"] = "visage2" })
		}, `connection "visage2"`},
		{"instant trigger on an unknown webhook", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m map[string]any) { obj(m, "components", "module", "newCandidate")["webhook"] = "noSuchHook" })
		}, `webhook "noSuchHook"`},
		{"code file off the editor's path", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m map[string]any) {
				obj(m, "components", "module", "createJob", "codeFiles")["samples"] = "modules/find-job/find-job.samples.iml.json"
			})
		}, "the editor keeps it at modules/create-job/create-job.samples.iml.json"},
		{"a module in no group", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "modules/groups.json"), `[{"label":"Jobs","modules":["createJob"]}]`)
		}, "module findJob is in 0 groups"},
		{"a stray file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "modules/create-job/notes.json"), "{}")
		}, "modules/create-job/notes.json is not named"},
		{"a file breaking its schema", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "modules/new-job/new-job.interface.iml.json"),
				`[{"name":"status","label":"Status","type":"select","options":[{"label":"Open","value":"open"}]}]`)
		}, "new-job.interface.iml.json (interface)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyApp(t)
			if got := s.Validate(dir); len(got) != 0 {
				t.Fatalf("the copy is already broken: %v", got)
			}
			tc.breakIt(t, dir)
			got := strings.Join(s.Validate(dir), "\n")
			if !strings.Contains(got, tc.want) {
				t.Errorf("want a problem mentioning %q, got:\n%s", tc.want, got)
			}
		})
	}
}

func copyApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.Walk("src", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("src", p)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func rewriteManifest(t *testing.T, dir string, change func(m map[string]any)) {
	t.Helper()
	var v any
	if err := readJSON(filepath.Join(dir, "makecomapp.json"), &v); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "makecomapp.json"), string(edit(t, v, change)))
}
