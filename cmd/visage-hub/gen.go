package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/visage-jobs/visage-hub/integrations/gen"
)

// runGen writes the generated parts of the platform packages from the
// catalog: `visage-hub gen integrations [--root DIR]`.
func runGen(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	root := fs.String("root", ".", "the repository root to write integrations/ under")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: visage-hub gen integrations [--root DIR]")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "integrations" {
		fs.Usage()
		return fmt.Errorf("gen: say what to generate: integrations")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	changed, err := gen.Write(*root)
	if err != nil {
		return fmt.Errorf("gen integrations: %w", err)
	}
	for _, p := range changed {
		fmt.Fprintln(out, p)
	}
	return nil
}
