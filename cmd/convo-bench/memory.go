package main

import (
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// peakRSS is VmHWM from /proc/self/status, in bytes (0 where there is none).
func peakRSS() int64 { return procStatus()["VmHWM"] }

// procStatus reads the sizes of /proc/self/status ("VmHWM", "RssAnon",
// "RssFile", ...) in bytes; it is empty where there is no such file.
func procStatus() map[string]int64 {
	sizes := map[string]int64{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return sizes
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		kb, isSize := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		if !ok || !isSize {
			continue
		}
		if n, err := strconv.ParseInt(kb, 10, 64); err == nil {
			sizes[key] = n * 1024
		}
	}
	return sizes
}

func mib(n int64) int64 { return n >> 20 }

// logMemory splits the resident memory into anonymous pages (the Go
// runtime's memory and SQLite's page caches, which modernc's C heap maps
// outside it), file-backed ones (the database file read through mmap
// counts once touched) and shared ones (the WAL index), next to the peak.
func (b *bench) logMemory(when string) {
	st := procStatus()
	goMapped, goLive := goMemory()
	b.logf("memory %s: RssAnon %d MiB (Go runtime %d MiB, live heap %d MiB), RssFile %d MiB, RssShmem %d MiB, VmHWM %d MiB",
		when, mib(st["RssAnon"]), mib(goMapped), mib(goLive), mib(st["RssFile"]), mib(st["RssShmem"]), mib(st["VmHWM"]))
}

// goMemory is what the Go runtime holds from the OS (mapped and not given
// back) and the heap the last GC found live.
func goMemory() (mapped, live int64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64()), int64(s[2].Value.Uint64())
}

// memoryWatch samples /proc/self/status for the highest RssAnon and
// RssFile: VmHWM is the peak of their sum but does not say what it was
// made of.
type memoryWatch struct {
	quit       chan struct{}
	done       chan struct{}
	once       sync.Once
	anon, file int64 // written by the sampler until done is closed
}

func watchMemory(every time.Duration) *memoryWatch {
	w := &memoryWatch{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			st := procStatus()
			w.anon, w.file = max(w.anon, st["RssAnon"]), max(w.file, st["RssFile"])
			select {
			case <-w.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// stop ends the sampling; it may be called more than once.
func (w *memoryWatch) stop() {
	w.once.Do(func() { close(w.quit) })
	<-w.done
}

// peaks stops the sampling and gives the highest RssAnon and RssFile seen.
func (w *memoryWatch) peaks() (anon, file int64) {
	w.stop()
	return w.anon, w.file
}
