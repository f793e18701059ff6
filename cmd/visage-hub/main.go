// Command visage-hub serves the Visage public API and everything Zapier, Make
// and n8n need to connect to it. Each subcommand is wiring only: the work is
// done by the packages under hub/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of the CLI.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the API server and the webhook dispatcher", runServe},
		{"dispatch", "run only the webhook dispatcher (several may share one PostgreSQL)", runDispatch},
		{"migrate", "apply database migrations: migrate [up|status]", runMigrate},
		{"accounts", "manage accounts: accounts create --name NAME", runAccounts},
		{"keys", "manage API keys: keys create|list|revoke --account ID", runKeys},
		{"token", "mint an admin JWT: token --account ID --role admin|member [--ttl 1h]", runToken},
		{"login-link", "print a one-time sign-in link: login-link --account ID", runLoginLink},
		{"seed", "fill an account with demo jobs and candidates: seed --account ID [--candidates N]", runSeed},
		{"gen", "write the generated parts of integrations/ from the catalog: gen integrations", runGen},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "visage-hub:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(errOut)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], out)
		}
	}
	printUsage(errOut)
	return fmt.Errorf("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: visage-hub <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'visage-hub <command> --help' for a command's flags; every flag also reads a VISAGE_* variable.")
}
