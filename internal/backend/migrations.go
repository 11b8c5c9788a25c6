package backend

import (
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// A Migration is one numbered .sql file of a backend's migrations.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the migrations in directory dir of fsys, embedded at
// build time, by version: files named NNNN_name.sql, numbered from 1
// without gaps. Anything else is a mistake of the build: it panics.
func Migrations(fsys fs.FS, dir string) []Migration {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		panic(err)
	}
	var list []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("convo: migration file without a number: " + e.Name())
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			panic(err)
		}
		list = append(list, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(list, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range list {
		if m.Version != i+1 {
			panic("convo: migrations must be numbered 1, 2, 3, ...: " + m.Name)
		}
	}
	return list
}
