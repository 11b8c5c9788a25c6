// Package wiretest holds what the JSON tests of convo's packages share.
package wiretest

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// snakeCase is a JSON name of the wire form.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// CheckFixture fails the test unless every exported field of the struct v
// is set and has a snake_case JSON name: a field added to a type must be
// added to its fixture, and so to the round trip, and given a name.
func CheckFixture(t testing.TB, v any) {
	t.Helper()
	rv := reflect.Indirect(reflect.ValueOf(v))
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		if rv.Field(i).IsZero() {
			t.Errorf("%s.%s is zero in the fixture: set it, so that the round trip covers it", rt.Name(), f.Name)
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !snakeCase.MatchString(name) {
			t.Errorf("%s.%s has JSON name %q: give it a snake_case json tag", rt.Name(), f.Name, name)
		}
	}
}

// RoundTrip marshals v, unmarshals the JSON into a new T and fails the test
// unless that equals v; it returns the JSON.
func RoundTrip[T any](t testing.TB, v T) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal %T: %v\n%s", v, err, b)
	}
	if !reflect.DeepEqual(back, v) {
		t.Errorf("%T after a round trip:\n got %#v\nwant %#v\njson %s", v, back, v, b)
	}
	return string(b)
}

// Check is CheckFixture and RoundTrip of one fixture.
func Check[T any](t testing.TB, v T) string {
	t.Helper()
	CheckFixture(t, v)
	return RoundTrip(t, v)
}
