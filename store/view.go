package store

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// Limits of a custom view.
const (
	MaxConditions          = 32  // conditions in one list
	MaxConditionValues     = 100 // values of one condition
	MaxConditionValueBytes = 255 // bytes of one value
	MaxAttributeKeyLength  = 64  // bytes of a custom attribute's key in a condition
	MaxViewNameLength      = 100 // bytes of a saved view's name
	MaxDaysBefore          = 36500
)

// Operator is how a Condition compares an attribute with its values:
// Chatwoot's filter operators.
type Operator string

// The operators. Each attribute allows some of them (see Condition).
const (
	OpEqualTo        Operator = "equal_to"         // any of the values
	OpNotEqualTo     Operator = "not_equal_to"     // none of the values
	OpContains       Operator = "contains"         // text containing any of the values
	OpDoesNotContain Operator = "does_not_contain" // text containing none of them
	OpStartsWith     Operator = "starts_with"      // text starting with any of the values
	OpIsPresent      Operator = "is_present"       // set, not blank; no values
	OpIsNotPresent   Operator = "is_not_present"   // unset or blank; no values
	OpIsGreaterThan  Operator = "is_greater_than"  // after a time, above a number; one value
	OpIsLessThan     Operator = "is_less_than"     // before a time, below a number; one value
	OpDaysBefore     Operator = "days_before"      // before the UTC day that began n days ago; one value n
)

// Condition is one condition of a custom view (Chatwoot's conversation
// filter): an attribute, an operator and values. A list of conditions
// keeps the conversations that meet it; each condition joins the next with
// "and" unless Or is set, and "and" binds tighter than "or", as in
// Chatwoot: a, b or c, d keeps what meets a and b, or c and d.
//
// The attributes and the operators each allows:
//
//	status                      equal_to, not_equal_to: open, resolved, pending, snoozed
//	priority                    equal_to, not_equal_to: none, low, medium, high, urgent;
//	                            is_present, is_not_present (present: not none)
//	assignee_id                 equal_to, not_equal_to: user UUIDs; is_present, is_not_present
//	inbox_id, team_id           equal_to, not_equal_to: ids; is_present, is_not_present
//	labels                      equal_to: has any of the labels; not_equal_to: has none;
//	                            is_present, is_not_present: has a label, has none
//	created_at,                 is_greater_than, is_less_than: an RFC 3339 time or a date
//	last_activity_at,             (2006-01-02, midnight UTC); days_before: a number of days
//	waiting_since               waiting_since also is_present, is_not_present
//	contact.name,               equal_to, not_equal_to, contains, does_not_contain,
//	contact.email,                starts_with, is_present, is_not_present; without regard
//	contact.phone_number,         to case (name, email), phone numbers without their
//	contact.identifier            spaces, dashes, dots and parentheses
//	contact.blocked             equal_to, not_equal_to: true, false
//	custom_attributes.KEY,      every operator (see below)
//	additional_attributes.KEY,
//	contact.custom_attributes.KEY,
//	contact.additional_attributes.KEY
//
// contact.name is the contact's complete name. Negative operators
// (not_equal_to, does_not_contain, is_not_present) keep exactly what their
// positive ones leave: a conversation without an inbox is "not equal to"
// inbox 3.
//
// A custom or additional attribute is read by its top-level KEY (letters,
// digits, '_' and '-'), and compared by the type of the stored JSON value:
// a string as text, with letters A to Z matching either case; a number
// numerically with values that are numbers; true and false with the values
// "true" and "false". is_greater_than and is_less_than compare numbers
// with a number, else strings with the text, byte by byte: dates written
// as 2006-01-02 or RFC 3339 compare in time order. days_before n keeps
// strings before the date n days ago, in that form. contains and
// starts_with match strings only; an array or an object matches only
// is_present. Present means set, not null and not "".
type Condition struct {
	Attribute string
	Operator  Operator
	Values    []string
	// Or joins this condition to the next with "or" rather than "and".
	Or bool
}

// Field is the attribute a Term is about.
type Field int

// The fields.
const (
	FieldStatus Field = iota + 1
	FieldPriority
	FieldAssignee
	FieldInbox
	FieldTeam
	FieldLabels
	FieldCreatedAt
	FieldLastActivityAt
	FieldWaitingSince
	FieldContactName
	FieldContactEmail
	FieldContactPhone
	FieldContactIdentifier
	FieldContactBlocked
	FieldCustomAttribute
	FieldAdditionalAttribute
)

// Term is a Condition as a backend evaluates it: its field, and its
// values parsed and folded into the forms the store keeps. Operators come
// positive: not_equal_to is OpEqualTo with Not, does_not_contain is
// OpContains with Not, is_not_present is OpIsPresent with Not, days_before
// is OpIsLessThan. A backend evaluates the positive operator, with an
// unknown (NULL) outcome as false, then applies Not.
type Term struct {
	Field    Field
	Operator Operator
	Not      bool
	// Contact says that a custom or additional attribute is the
	// contact's; Key is its key.
	Contact bool
	Key     string

	Statuses   []convo.Status   // FieldStatus
	Priorities []convo.Priority // FieldPriority
	Users      []uuid.UUID      // FieldAssignee
	IDs        []int64          // FieldInbox, FieldTeam
	// Texts are labels (normalised), a contact's name or email (lower
	// case), phone (no separators) or identifier (as given), an
	// attribute's text values (A to Z in lower case); for
	// OpIsGreaterThan and OpIsLessThan on an attribute, the one value when
	// it is not a number, folded as the attribute's text values are (a
	// backend folds the stored text before comparing).
	Texts []string
	// Numbers are an attribute's values that are numbers.
	Numbers []float64
	// Bools are contact.blocked's values, and an attribute's values
	// "true" and "false".
	Bools []bool
	// Time is the bound of OpIsGreaterThan and OpIsLessThan on a time field.
	Time time.Time
}

// Conditions resolves a valid list into what a backend evaluates: groups
// of terms, a row meeting the list when it meets every term of some group.
// now is the store's clock, for days_before. Call it on conditions that
// ValidateConditions accepts.
func Conditions(list []Condition, now time.Time) [][]Term {
	groups, _ := resolveConditions("conditions", list, now)
	return groups
}

// ValidateConditions reports a bad condition list as a
// *convo.ValidationError naming, for an unknown attribute or an operator
// it does not allow, both of them: field "conditions[2].attribute_key" or
// "conditions[2].filter_operator".
func ValidateConditions(list []Condition) error {
	_, errs := resolveConditions("conditions", list, time.Time{})
	return validationError(errs)
}

// attributeOps are the operators each attribute allows.
var (
	opsEnum     = []Operator{OpEqualTo, OpNotEqualTo}
	opsEnumSet  = []Operator{OpEqualTo, OpNotEqualTo, OpIsPresent, OpIsNotPresent}
	opsTime     = []Operator{OpIsGreaterThan, OpIsLessThan, OpDaysBefore}
	opsTimeSet  = []Operator{OpIsGreaterThan, OpIsLessThan, OpDaysBefore, OpIsPresent, OpIsNotPresent}
	opsText     = []Operator{OpEqualTo, OpNotEqualTo, OpContains, OpDoesNotContain, OpStartsWith, OpIsPresent, OpIsNotPresent}
	opsAnything = []Operator{OpEqualTo, OpNotEqualTo, OpContains, OpDoesNotContain, OpStartsWith, OpIsPresent,
		OpIsNotPresent, OpIsGreaterThan, OpIsLessThan, OpDaysBefore}
)

var attributes = map[string]struct {
	field Field
	ops   []Operator
}{
	"status":               {FieldStatus, opsEnum},
	"priority":             {FieldPriority, opsEnumSet},
	"assignee_id":          {FieldAssignee, opsEnumSet},
	"inbox_id":             {FieldInbox, opsEnumSet},
	"team_id":              {FieldTeam, opsEnumSet},
	"labels":               {FieldLabels, opsEnumSet},
	"created_at":           {FieldCreatedAt, opsTime},
	"last_activity_at":     {FieldLastActivityAt, opsTime},
	"waiting_since":        {FieldWaitingSince, opsTimeSet},
	"contact.name":         {FieldContactName, opsText},
	"contact.email":        {FieldContactEmail, opsText},
	"contact.phone_number": {FieldContactPhone, opsText},
	"contact.identifier":   {FieldContactIdentifier, opsText},
	"contact.blocked":      {FieldContactBlocked, opsEnum},
}

// attributePrefixes name the attribute bags a condition reads by key.
var attributePrefixes = []struct {
	prefix  string
	field   Field
	contact bool
}{
	{"custom_attributes.", FieldCustomAttribute, false},
	{"additional_attributes.", FieldAdditionalAttribute, false},
	{"contact.custom_attributes.", FieldCustomAttribute, true},
	{"contact.additional_attributes.", FieldAdditionalAttribute, true},
}

// resolveConditions turns a list into groups of terms, and reports what is
// wrong with it under field (the list's name).
func resolveConditions(field string, list []Condition, now time.Time) ([][]Term, []convo.FieldError) {
	var errs []convo.FieldError
	if len(list) > MaxConditions {
		errs = append(errs, convo.FieldError{Field: field, Code: convo.CodeOutOfRange,
			Message: fmt.Sprintf("must have at most %d conditions", MaxConditions)})
		return nil, errs
	}
	var groups [][]Term
	var group []Term
	for i, c := range list {
		at := fmt.Sprintf("%s[%d].", field, i)
		t, problems := resolve(at, c, now)
		errs = append(errs, problems...)
		group = append(group, t)
		if c.Or || i == len(list)-1 {
			groups, group = append(groups, group), nil
		}
	}
	return groups, errs
}

// resolve turns one condition into a term; at prefixes the fields of its
// problems.
func resolve(at string, c Condition, now time.Time) (Term, []convo.FieldError) {
	var errs []convo.FieldError
	bad := func(field, code, msg string) {
		errs = append(errs, convo.FieldError{Field: at + field, Code: code, Message: msg})
	}
	var t Term
	var ops []Operator
	if a, ok := attributes[c.Attribute]; ok {
		t.Field, ops = a.field, a.ops
	} else {
		for _, p := range attributePrefixes {
			if key, ok := strings.CutPrefix(c.Attribute, p.prefix); ok {
				t.Field, t.Contact, t.Key, ops = p.field, p.contact, key, opsAnything
				if !validKey(key) {
					bad("attribute_key", convo.CodeInvalid, fmt.Sprintf(
						"attribute %q: a key must be 1 to %d letters, digits, '_' or '-'", c.Attribute, MaxAttributeKeyLength))
					return t, errs
				}
				break
			}
		}
	}
	if t.Field == 0 {
		bad("attribute_key", convo.CodeUnknown, fmt.Sprintf("unknown attribute %q", c.Attribute))
		return t, errs
	}
	if !slices.Contains(ops, c.Operator) {
		bad("filter_operator", convo.CodeNotAllowed, fmt.Sprintf("operator %q is not allowed for attribute %q", c.Operator, c.Attribute))
		return t, errs
	}
	t.Operator = c.Operator
	switch c.Operator {
	case OpNotEqualTo:
		t.Operator, t.Not = OpEqualTo, true
	case OpDoesNotContain:
		t.Operator, t.Not = OpContains, true
	case OpIsNotPresent:
		t.Operator, t.Not = OpIsPresent, true
	case OpDaysBefore:
		t.Operator = OpIsLessThan
	}

	// How many values the operator takes.
	switch {
	case t.Operator == OpIsPresent:
		if len(c.Values) > 0 {
			bad("values", convo.CodeInvalid, fmt.Sprintf("operator %q takes no values", c.Operator))
		}
	case t.Operator == OpIsGreaterThan || t.Operator == OpIsLessThan:
		if len(c.Values) != 1 {
			bad("values", convo.CodeInvalid, fmt.Sprintf("operator %q takes one value", c.Operator))
		}
	case len(c.Values) == 0:
		bad("values", convo.CodeRequired, fmt.Sprintf("operator %q takes at least one value", c.Operator))
	case len(c.Values) > MaxConditionValues:
		bad("values", convo.CodeOutOfRange, fmt.Sprintf("must have at most %d values", MaxConditionValues))
	}
	if len(errs) > 0 {
		return t, errs
	}
	for i, v := range c.Values {
		field := fmt.Sprintf("values[%d]", i)
		if err := convo.ValidateText(field, v, MaxConditionValueBytes); err != nil {
			errs = append(errs, prefixed(at, err)...)
			continue
		}
		if msg := t.add(c.Operator, v, now); msg != "" {
			bad(field, convo.CodeInvalid, msg)
		}
	}
	return t, errs
}

// add parses one value into the term's values; it returns what is wrong
// with it, or "".
func (t *Term) add(op Operator, v string, now time.Time) string {
	switch {
	case op == OpDaysBefore:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxDaysBefore {
			return fmt.Sprintf("must be a number of days from 0 to %d", MaxDaysBefore)
		}
		day := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -n)
		if t.Field == FieldCustomAttribute || t.Field == FieldAdditionalAttribute {
			t.Texts = append(t.Texts, day.Format(time.DateOnly))
		} else {
			t.Time = day
		}
		return ""
	}
	switch t.Field {
	case FieldStatus:
		st, err := convo.ParseStatus(v)
		if err != nil {
			return "must be a status: open, resolved, pending or snoozed"
		}
		t.Statuses = append(t.Statuses, st)
	case FieldPriority:
		if v == "none" {
			v = string(convo.PriorityNone)
		}
		p, err := convo.ParsePriority(v)
		if err != nil {
			return "must be a priority: none, low, medium, high or urgent"
		}
		t.Priorities = append(t.Priorities, p)
	case FieldAssignee:
		id, err := uuid.Parse(v)
		if err != nil || id == uuid.Nil {
			return "must be a user UUID"
		}
		t.Users = append(t.Users, id)
	case FieldInbox, FieldTeam:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return "must be a positive id"
		}
		t.IDs = append(t.IDs, id)
	case FieldLabels:
		labels, err := convo.NormalizeLabels("labels", []string{v})
		if err != nil {
			return err.(*convo.ValidationError).Errors[0].Message
		}
		t.Texts = append(t.Texts, labels...)
	case FieldCreatedAt, FieldLastActivityAt, FieldWaitingSince:
		at, err := parseConditionTime(v)
		if err != nil {
			return "must be an RFC 3339 time or a date (2006-01-02)"
		}
		t.Time = at
	case FieldContactName, FieldContactEmail:
		t.Texts = append(t.Texts, strings.ToLower(v))
	case FieldContactPhone:
		t.Texts = append(t.Texts, strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -.()", r) {
				return -1
			}
			return r
		}, v))
	case FieldContactIdentifier:
		t.Texts = append(t.Texts, v)
	case FieldContactBlocked:
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return `must be "true" or "false"`
		}
		t.Bools = append(t.Bools, b)
	case FieldCustomAttribute, FieldAdditionalAttribute:
		t.addAttributeValue(op, v)
	}
	if (op == OpContains || op == OpDoesNotContain || op == OpStartsWith) && len(t.Texts) > 0 && t.Texts[len(t.Texts)-1] == "" {
		return "must not be blank"
	}
	return ""
}

// addAttributeValue adds a value of a custom or additional attribute: as
// text, and as a number or a boolean when it reads as one.
func (t *Term) addAttributeValue(op Operator, v string) {
	if n, err := strconv.ParseFloat(v, 64); err == nil && !isNaNOrInf(n) {
		t.Numbers = append(t.Numbers, n)
		if op == OpIsGreaterThan || op == OpIsLessThan {
			return // compared as a number only
		}
	}
	if v == "true" || v == "false" {
		t.Bools = append(t.Bools, v == "true")
	}
	t.Texts = append(t.Texts, FoldASCII(v))
}

func isNaNOrInf(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }

// FoldASCII is s with the letters A to Z in lower case and every other
// character as it is: how a custom attribute's text compares, so that every
// engine folds it the same way (SQLite's lower() folds only these).
func FoldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// parseConditionTime reads an RFC 3339 time or a date (midnight UTC).
func parseConditionTime(v string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d, nil
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err == nil {
		err = convo.ValidateTime("time", at, false)
	}
	return at.UTC(), err
}

// validKey reports whether a custom attribute's key can be read in a
// condition.
func validKey(key string) bool {
	if key == "" || len(key) > MaxAttributeKeyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// prefixed is a validation error's problems with their fields under at.
func prefixed(at string, err error) []convo.FieldError {
	errs := slices.Clone(err.(*convo.ValidationError).Errors)
	for i := range errs {
		errs[i].Field = at + errs[i].Field
	}
	return errs
}

// View is a custom view saved under a name (Store.SaveView): conditions a
// host lists conversations and counts by, with
// ConversationFilter.View.
type View struct {
	// Name is unique in the account: 1 to MaxViewNameLength bytes of
	// text, not blank, compared exactly.
	Name       string
	Conditions []Condition
	// CreatedAt and UpdatedAt are set by the store.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports a bad view as a *convo.ValidationError.
func (v View) Validate() error {
	errs := viewNameProblems("name", v.Name)
	if len(v.Conditions) == 0 {
		errs = append(errs, convo.FieldError{Field: "conditions", Code: convo.CodeRequired, Message: "must have a condition"})
	}
	_, problems := resolveConditions("conditions", v.Conditions, time.Time{})
	return validationError(append(errs, problems...))
}

// ValidateViewName checks the name of a saved view.
func ValidateViewName(name string) error {
	return validationError(viewNameProblems("name", name))
}

func viewNameProblems(field, name string) []convo.FieldError {
	if strings.TrimSpace(name) == "" {
		return []convo.FieldError{{Field: field, Code: convo.CodeRequired, Message: "is required"}}
	}
	if err := convo.ValidateText(field, name, MaxViewNameLength); err != nil {
		return err.(*convo.ValidationError).Errors
	}
	return nil
}
