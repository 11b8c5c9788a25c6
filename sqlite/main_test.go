package sqlite_test

import (
	"fmt"
	"os"
	"testing"
)

// childEnv names the child program the test binary runs instead of its
// tests, for the tests that need a process they can kill or starve.
const childEnv = "CONVO_TEST_CHILD"

// children are the programs a test may start by re-executing this binary.
var children = map[string]func() error{
	"crash":    crashChild,
	"diskfull": diskFullChild,
	"import":   importChild,
}

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		run, ok := children[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown child %q\n", name)
			os.Exit(2)
		}
		if err := run(); err != nil {
			fmt.Fprintf(os.Stderr, "child %s: %v\n", name, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
