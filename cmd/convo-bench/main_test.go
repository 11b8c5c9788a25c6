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
	var out, errOut bytes.Buffer
	args := []string{"-conversations", "200", "-contacts", "100", "-messages-per-conv", "3", "-appends", "20",
		"-iters", "5", "-mixed", "200ms", "-readers", "2", "-dir", t.TempDir()}
	if err := run(args, &out, &errOut); err != nil {
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
	for _, op := range []string{"bulk_load", "append_message", "append_parallel",
		"feed_read", "watch_wake", "watch_wake_other", "inbox_page1", "inbox_page40_offset", "inbox_keyset",
		"inbox_counts", "view_dense", "view_sparse", "view_counts", "get_conversation", "search", "search_prefix", "unread_count", "unseen_count",
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
}
