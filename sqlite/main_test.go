package sqlite_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
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

// startChild starts the child program name with env added to the test's
// environment, and streams the lines it prints; lines is closed when it
// exits. Its standard error is collected in stderr.
func startChild(t *testing.T, name string, env ...string) (cmd *exec.Cmd, lines <-chan string, stderr *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+name), env...)
	stderr = &bytes.Buffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return cmd, ch, stderr
}
