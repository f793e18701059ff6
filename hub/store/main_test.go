package store_test

import (
	"os"
	"testing"

	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
