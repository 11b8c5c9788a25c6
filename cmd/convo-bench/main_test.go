package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestRun runs the whole workload at a tiny size and checks that every op of
// the workload is reported and the summary parses.
func TestRun(t *testing.T) {
	ops := runTiny(t)
	for _, op := range []string{"bulk_load", "append_message", "append_parallel",
		"feed_read", "watch_wake", "watch_wake_other", "inbox_page1", "inbox_page40_offset", "inbox_keyset",
		"inbox_counts", "view_dense", "view_sparse", "view_counts", "get_conversation", "search", "search_prefix", "search_prefix2", "search_prefix1", "unread_count", "unseen_count",
		"mixed_reads", "mixed_writes", "summary"} {
		if _, ok := ops[op]; !ok {
			t.Errorf("op %s missing from the output", op)
		}
	}
	if n := ops["summary"]["messages"].(float64); n < 200 {
		t.Errorf("summary counts %v messages, want at least one per conversation", n)
	}
	if v := ops["append_message"]["n"].(float64); v != 20 {
		t.Errorf("append_message n = %v, want 20", v)
	}
	for op := range ops { // nothing of -accounts without it
		if strings.Contains(op, "@") {
			t.Errorf("op %s without -accounts", op)
		}
	}
	if _, ok := ops["summary"]["accounts"]; ok {
		t.Errorf("summary has accounts without -accounts")
	}
}

// TestRunAccounts runs a tiny workload over 5 accounts and checks that the
// read ops are reported for the largest, the median and the smallest
// account, whose sizes fall in that order.
func TestRunAccounts(t *testing.T) {
	ops := runTiny(t, "-accounts", "5")
	if v := ops["summary"]["accounts"]; v != float64(5) {
		t.Errorf("summary accounts = %v, want 5", v)
	}
	if _, ok := ops["view_sparse"]; !ok {
		t.Errorf("the usual ops did not run")
	}
	for _, op := range []string{"inbox_page1", "inbox_keyset", "inbox_counts", "get_conversation", "search", "search_prefix"} {
		var sizes []float64
		for _, m := range []struct {
			tag     string
			account float64
		}{{"largest", 1}, {"median", 3}, {"smallest", 5}} {
			v, ok := ops[op+"@"+m.tag]
			if !ok {
				t.Errorf("op %s@%s missing from the output", op, m.tag)
				continue
			}
			if v["account"] != m.account || v["messages"].(float64) < v["conversations"].(float64) {
				t.Errorf("%s@%s: account %v with %v conversations, %v messages; want account %v", op, m.tag,
					v["account"], v["conversations"], v["messages"], m.account)
			}
			sizes = append(sizes, v["conversations"].(float64))
		}
		if len(sizes) == 3 && !(sizes[0] > sizes[1] && sizes[1] > sizes[2]) {
			t.Errorf("%s: conversations largest, median, smallest = %v, want falling", op, sizes)
		}
	}
	t.Logf("largest %s", ops["search@largest"]["note"])
	t.Logf("median %s", ops["search@median"]["note"])
	t.Logf("smallest %s", ops["search@smallest"]["note"])
}

// TestRunOptimize checks that -optimize times the merge of the search
// indexes after the load, and the reads that follow still run.
func TestRunOptimize(t *testing.T) {
	ops := runTiny(t, "-optimize")
	if v, ok := ops["optimize_search"]; !ok || v["n"] != float64(1) {
		t.Errorf("optimize_search = %v, want one timed merge", v)
	}
	if _, ok := ops["search"]; !ok {
		t.Errorf("the reads did not run after the merge")
	}
}

// runTiny runs the workload at a tiny size with the extra flags and gives
// its output lines by op.
func runTiny(t *testing.T, flags ...string) map[string]map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	args := []string{"-conversations", "200", "-contacts", "100", "-messages-per-conv", "3", "-appends", "20",
		"-iters", "5", "-mixed", "200ms", "-readers", "2", "-dir", t.TempDir()}
	if err := run(append(args, flags...), &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	ops := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		ops[v["op"].(string)] = v
	}
	return ops
}
