package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// tsFileName keeps an entry name usable as a file name.
var tsFileName = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// N8nErrors type-checks property lists against n8n-workflow's
// INodeProperties with tsc, the compiler n8n nodes are built with: each
// entry of lists (name → the properties as JSON would encode them) becomes
// one file `const p: INodeProperties[] = <JSON>;`, all compiled in one
// `tsc --noEmit --strict` run. It returns the compiler's messages per entry
// name; an entry without messages compiles.
func N8nErrors(t testing.TB, lists map[string]any) map[string][]string {
	t.Helper()
	dir := filepath.Join(Dir(), "n8n-check")
	tsc := filepath.Join(dir, "node_modules", ".bin", "tsc")
	if _, err := exec.LookPath("node"); err != nil {
		need(t, "node is not installed")
	}
	for _, p := range []string{tsc, filepath.Join(dir, "node_modules", "n8n-workflow", "package.json")} {
		if _, err := os.Stat(p); err != nil {
			need(t, "n8n-workflow and typescript are not installed (npm ci --prefix schemas/platform/n8n-check)")
		}
	}
	work, err := os.MkdirTemp(dir, "check-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(work)
	byFile := map[string]string{}
	var files []string
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		js, err := json.MarshalIndent(lists[name], "", "  ")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := fmt.Sprintf("p%03d_%s.ts", i, tsFileName.ReplaceAllString(name, "_"))
		src := "import type { INodeProperties } from 'n8n-workflow';\n\n" +
			"// " + strings.ReplaceAll(name, "\n", " ") + "\nexport const p: INodeProperties[] = " + string(js) + ";\n"
		if err := os.WriteFile(filepath.Join(work, file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		byFile[file] = name
		files = append(files, filepath.Join(filepath.Base(work), file))
	}
	args := append([]string{"--noEmit", "--strict", "--skipLibCheck", "--pretty", "false",
		"--module", "node16", "--moduleResolution", "node16", "--target", "es2022"}, files...)
	cmd := exec.Command(tsc, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		t.Fatalf("run tsc: %v", runErr)
	}
	errs := map[string][]string{}
	last := ""
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, " ") && last != "" {
			n := len(errs[last])
			errs[last][n-1] += "\n" + line
			continue
		}
		file, _, _ := strings.Cut(filepath.Base(strings.SplitN(line, "(", 2)[0]), ":")
		name, ok := byFile[file]
		if !ok {
			t.Fatalf("tsc failed outside the generated files: %s", out.String())
		}
		errs[name] = append(errs[name], line)
		last = name
	}
	if runErr != nil && len(errs) == 0 {
		t.Fatalf("tsc exited %v without messages: %s", runErr, out.String())
	}
	return errs
}
