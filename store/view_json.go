package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/convokit/convo"
)

// conditionJSON is a condition in Chatwoot's JSON form.
type conditionJSON struct {
	AttributeKey   string   `json:"attribute_key"`
	FilterOperator Operator `json:"filter_operator"`
	Values         []string `json:"values"`
	QueryOperator  string   `json:"query_operator"`
}

// MarshalJSON writes Chatwoot's form: {"attribute_key": "status",
// "filter_operator": "equal_to", "values": ["open"], "query_operator":
// "and"}, with "or" when Or is set.
func (c Condition) MarshalJSON() ([]byte, error) {
	j := conditionJSON{AttributeKey: c.Attribute, FilterOperator: c.Operator, Values: c.Values, QueryOperator: "and"}
	if j.Values == nil {
		j.Values = []string{}
	}
	if c.Or {
		j.QueryOperator = "or"
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a condition as ParseConditions reads each one.
func (c *Condition) UnmarshalJSON(b []byte) error {
	got, errs := parseCondition("", b)
	if err := validationError(errs); err != nil {
		return err
	}
	*c = got
	return nil
}

// ParseConditions reads a condition list in Chatwoot's JSON form, the body
// of its conversation filter API ({"payload": [...]}) or the list alone,
// and validates it. Each condition has attribute_key, filter_operator,
// values and query_operator ("and" or "or", either case; null or left out
// is "and"). Values may be strings, numbers, booleans or objects with an
// "id" (as Chatwoot's dashboard sends them). An attribute_key with
// custom_attribute_type "conversation_attribute" or "contact_attribute" is
// that custom attribute ("plan" is custom_attributes.plan or
// contact.custom_attributes.plan), and Chatwoot's browser_language,
// conversation_language and referer are additional attributes. Other
// members are ignored. A body without a payload list (null, {}, a
// misspelt key) is ErrInvalid rather than a filter that keeps every
// conversation. A problem is a *convo.ValidationError on field
// "payload[i]...".
func ParseConditions(data []byte) ([]Condition, error) {
	var body struct {
		Payload *[]json.RawMessage `json:"payload"`
	}
	var raw []json.RawMessage
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, convo.Invalid("payload", convo.CodeInvalid, "must be a JSON list of conditions: "+err.Error())
		}
	default:
		if err := json.Unmarshal(trimmed, &body); err != nil {
			return nil, convo.Invalid("payload", convo.CodeInvalid, `must be JSON: {"payload": [conditions]}: `+err.Error())
		}
		if body.Payload == nil { // {}, a misspelt key: a filter that would keep everything
			return nil, convo.Invalid("payload", convo.CodeRequired, `is required: {"payload": [conditions]}`)
		}
		raw = *body.Payload
	}
	var errs []convo.FieldError
	list := make([]Condition, len(raw))
	for i, r := range raw {
		var problems []convo.FieldError
		list[i], problems = parseCondition(fmt.Sprintf("payload[%d].", i), r)
		errs = append(errs, problems...)
	}
	if len(errs) == 0 {
		_, errs = resolveConditions("payload", list, time.Time{})
	}
	if err := validationError(errs); err != nil {
		return nil, err
	}
	return list, nil
}

// chatwootAdditional are the keys of Chatwoot's conversation filter that
// read the conversation's additional attributes.
var chatwootAdditional = map[string]bool{"browser_language": true, "conversation_language": true, "referer": true}

// parseCondition reads one condition of Chatwoot's form; at prefixes the
// fields of its problems.
func parseCondition(at string, b []byte) (Condition, []convo.FieldError) {
	var j struct {
		AttributeKey        string            `json:"attribute_key"`
		FilterOperator      string            `json:"filter_operator"`
		Values              []json.RawMessage `json:"values"`
		QueryOperator       *string           `json:"query_operator"`
		CustomAttributeType string            `json:"custom_attribute_type"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return Condition{}, []convo.FieldError{{Field: strings.TrimSuffix(at, "."), Code: convo.CodeInvalid,
			Message: "must be a JSON object with attribute_key, filter_operator, values and query_operator: " + err.Error()}}
	}
	c := Condition{Attribute: j.AttributeKey, Operator: Operator(j.FilterOperator)}
	var errs []convo.FieldError
	switch j.CustomAttributeType {
	case "conversation_attribute":
		c.Attribute = "custom_attributes." + j.AttributeKey
	case "contact_attribute":
		c.Attribute = "contact.custom_attributes." + j.AttributeKey
	case "":
		if chatwootAdditional[j.AttributeKey] {
			c.Attribute = "additional_attributes." + j.AttributeKey
		}
	default:
		errs = append(errs, convo.FieldError{Field: at + "custom_attribute_type", Code: convo.CodeUnknown,
			Message: `must be "conversation_attribute" or "contact_attribute"`})
	}
	if j.QueryOperator != nil {
		switch strings.ToLower(*j.QueryOperator) {
		case "and":
		case "or":
			c.Or = true
		default:
			errs = append(errs, convo.FieldError{Field: at + "query_operator", Code: convo.CodeUnknown, Message: `must be "and" or "or"`})
		}
	}
	for i, raw := range j.Values {
		v, ok := jsonValue(raw)
		if !ok {
			errs = append(errs, convo.FieldError{Field: fmt.Sprintf("%svalues[%d]", at, i), Code: convo.CodeInvalid,
				Message: `must be a string, a number, true, false or an object with an "id"`})
		}
		c.Values = append(c.Values, v)
	}
	return c, errs
}

// jsonValue is a condition value as text: a string, a number as written,
// true or false, or the id of an object.
func jsonValue(raw json.RawMessage) (string, bool) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", false
	}
	if o, ok := v.(map[string]any); ok {
		v = o["id"]
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

// viewJSON is a saved view in the form of Chatwoot's custom filters.
type viewJSON struct {
	Name  string `json:"name"`
	Query struct {
		Payload []Condition `json:"payload"`
	} `json:"query"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// MarshalJSON writes the form of Chatwoot's custom filters: {"name":
// "...", "query": {"payload": [conditions]}, "created_at": ...,
// "updated_at": ...}, the times left out when zero.
func (v View) MarshalJSON() ([]byte, error) {
	j := viewJSON{Name: v.Name}
	j.Query.Payload = v.Conditions
	if j.Query.Payload == nil {
		j.Query.Payload = []Condition{}
	}
	if !v.CreatedAt.IsZero() {
		j.CreatedAt = &v.CreatedAt
	}
	if !v.UpdatedAt.IsZero() {
		j.UpdatedAt = &v.UpdatedAt
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (v *View) UnmarshalJSON(b []byte) error {
	var j viewJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = View{Name: j.Name, Conditions: j.Query.Payload}
	if j.CreatedAt != nil {
		v.CreatedAt = *j.CreatedAt
	}
	if j.UpdatedAt != nil {
		v.UpdatedAt = *j.UpdatedAt
	}
	return nil
}
