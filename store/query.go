package store

import (
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/convokit/convo"
)

// ParseConversationFilter reads a ConversationFilter from a URL query,
// with the parameter names of Chatwoot's and Monica's APIs, so that a
// host's list endpoint starts with
//
//	f, err := store.ParseConversationFilter(r.URL.Query())
//
// and goes on with what the host knows from its session and no query may
// set: Viewer and IncludePrivate (who may see what), and usually Agent.
// The parameters:
//
//	status                 open, resolved, pending, snoozed or all; a list
//	assignee_type          all, mine, unassigned or assigned
//	agent_id               the agent of mine (a host usually sets Agent itself)
//	inbox_id               an inbox id
//	team_id                a team id
//	labels, labels[]       labels; a list
//	contact_id             a contact id
//	conversation_type      unattended (Chatwoot's; its other values are not kept)
//	unseen                 a boolean: conversations with unseen messages
//	updated_since          a time
//	q                      search text
//	view                   the name of a saved view (conditions come in a
//	                       body: see ParseConditions)
//	sort                   a ConversationSort's text (last_activity_desc, ...)
//	page, per_page, after  paging
//
// The rules of this and the other Parse functions of a query:
//
//   - a bad value is a *convo.ValidationError naming the parameter (labels[]
//     is named labels), by the rules of the filter's Validate; every
//     problem of the query is reported at once;
//   - a parameter given empty (inbox_id=) is as if not given, except after;
//   - a parameter that takes one value and is given twice is an error; a
//     list (status, labels, message_type) takes repeated parameters and
//     comma-separated values, as a comma is never part of a value;
//   - ids are decimal integers, uuids their text, booleans as
//     strconv.ParseBool reads them (1, true, 0, false);
//   - times are RFC 3339 ("2024-05-10T09:01:27Z", fractional seconds
//     allowed; a '+' that the query decoded as a space is read as '+'), or
//     Unix seconds as Chatwoot gives them;
//   - paging is page and per_page (Monica's page-number paging), or after,
//     the next_cursor of an earlier page (keyset paging; after= asks for
//     the first page), with per_page. A cursor that is not the list's is
//     reported by the list call, on field "cursor";
//   - a parameter the function does not know is ignored, as HTTP APIs do:
//     a host's own parameters (an access token, a cache buster) share the
//     query.
//
// The filter passes Validate, except for what only the host can give:
// Agent for assignee_type=mine without agent_id, Viewer for unseen. The
// list call checks those.
func ParseConversationFilter(values url.Values) (ConversationFilter, error) {
	q := query{values: values}
	var f ConversationFilter
	for _, s := range q.list("status") {
		if s == "all" {
			f.Statuses = slices.Clone(AllStatuses)
			continue
		}
		st, err := convo.ParseStatus(s)
		if err != nil {
			q.add(convo.Invalid("status", convo.CodeUnknown, "unknown value "+quote(s)+": want open, resolved, pending, snoozed or all"))
		} else if !slices.Contains(f.Statuses, st) {
			f.Statuses = append(f.Statuses, st)
		}
	}
	if s, ok := q.one("assignee_type"); ok {
		var err error
		f.Assignee, err = ParseAssigneeType(s)
		q.add(err)
	}
	f.Agent = q.uuid("agent_id")
	f.InboxID = q.id("inbox_id")
	f.TeamID = q.id("team_id")
	f.Labels = q.list("labels", "labels[]")
	f.ContactID = q.id("contact_id")
	if s, ok := q.one("conversation_type"); ok {
		if s == "unattended" {
			f.Unattended = true
		} else {
			q.bad("conversation_type", convo.CodeUnknown, "unknown value "+quote(s)+": want unattended")
		}
	}
	f.Unseen = q.bool("unseen")
	f.UpdatedSince = q.time("updated_since")
	f.Query, _ = q.one("q")
	f.View, _ = q.one("view")
	if s, ok := q.one("sort"); ok {
		var err error
		f.Sort, err = ParseConversationSort(s)
		q.add(err)
	}
	f.Page = q.paging()

	check := f // who asks is the host's to say: stand-ins for the check
	if check.Assignee == AssigneeMine && check.Agent == uuid.Nil {
		check.Agent = uuid.Max
	}
	if check.Unseen && check.Viewer == nil {
		check.Viewer = &convo.Viewer{UserID: uuid.Max}
	}
	return f, q.err(check.Validate())
}

// ParseMessageFilter reads a MessageFilter from a URL query: order
// (oldest_first or newest_first), page, per_page and after, by the rules
// of ParseConversationFilter. Viewer is the host's to set.
func ParseMessageFilter(values url.Values) (MessageFilter, error) {
	q := query{values: values}
	var f MessageFilter
	if s, ok := q.one("order"); ok {
		var err error
		f.Order, err = ParseMessageOrder(s)
		q.add(err)
	}
	f.Page = q.paging()
	return f, q.err(f.Validate())
}

// ParseMessageSearch reads a MessageSearch from a URL query, by the rules
// of ParseConversationFilter:
//
//	q                              search text (required)
//	conversation_id                a conversation id
//	contact_id                     a contact id
//	sender_type                    contact, user or system
//	author_id                      a user's uuid
//	message_type, message_type[]   incoming, outgoing, activity or template; a list
//	since, until                   times
//	order                          newest_first or relevance
//	page, per_page, after          paging
//
// IncludePrivate, Viewer and the snippet's markers and length are the
// host's to set: what a caller may see, and what the host's page can show.
func ParseMessageSearch(values url.Values) (MessageSearch, error) {
	q := query{values: values}
	var f MessageSearch
	f.Query, _ = q.one("q")
	f.ConversationID = q.id("conversation_id")
	f.ContactID = q.id("contact_id")
	if s, ok := q.one("sender_type"); ok {
		var err error
		f.SenderType, err = convo.ParseSenderType(s)
		q.add(err)
	}
	f.AuthorID = q.uuid("author_id")
	for _, s := range q.list("message_type", "message_type[]") {
		t, err := convo.ParseMessageType(s)
		q.add(err)
		if err == nil && !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	f.Since = q.time("since")
	f.Until = q.time("until")
	if s, ok := q.one("order"); ok {
		var err error
		f.Order, err = ParseSearchOrder(s)
		q.add(err)
	}
	f.Page = q.paging()
	return f, q.err(f.Validate())
}

// ParseContactFilter reads a ContactFilter from a URL query: q (search
// text, Chatwoot's contact search), phone, email, page, per_page and
// after, by the rules of ParseConversationFilter. A phone's leading '+'
// that the query decoded as a space (phone=+442079460000) is read as '+'.
func ParseContactFilter(values url.Values) (ContactFilter, error) {
	q := query{values: values}
	var f ContactFilter
	f.Query, _ = q.one("q")
	f.Phone, _ = q.one("phone")
	if rest, ok := strings.CutPrefix(f.Phone, " "); ok && !strings.Contains(f.Phone, "+") {
		f.Phone = "+" + rest
	}
	f.Email, _ = q.one("email")
	f.Page = q.paging()
	err := f.Validate()
	var ve *convo.ValidationError
	if errors.As(err, &ve) {
		for i := range ve.Errors {
			if ve.Errors[i].Field == "query" { // the filter's name for q
				ve.Errors[i].Field = "q"
			}
		}
	}
	return f, q.err(err)
}

// query reads the parameters of a URL query, collecting a FieldError for
// each bad one.
type query struct {
	values url.Values
	errs   []convo.FieldError
}

func (q *query) bad(param, code, msg string) {
	q.errs = append(q.errs, convo.FieldError{Field: param, Code: code, Message: msg})
}

// add collects the FieldErrors of err, a *convo.ValidationError or nil.
func (q *query) add(err error) {
	var ve *convo.ValidationError
	if errors.As(err, &ve) {
		q.errs = append(q.errs, ve.Errors...)
	}
}

// err returns everything collected and the problems of validated (the
// filter's Validate) on parameters not already reported, or nil.
func (q *query) err(validated error) error {
	var ve *convo.ValidationError
	if errors.As(validated, &ve) {
		for _, fe := range ve.Errors {
			if !slices.ContainsFunc(q.errs, func(e convo.FieldError) bool { return e.Field == fe.Field }) {
				q.errs = append(q.errs, fe)
			}
		}
	}
	return validationError(q.errs)
}

// one is the value of a parameter that takes one; false when it is not
// given or empty, or given twice (an error).
func (q *query) one(param string) (string, bool) {
	vs := q.values[param]
	switch {
	case len(vs) > 1:
		q.bad(param, convo.CodeInvalid, "must be given once")
		return "", false
	case len(vs) == 0 || vs[0] == "":
		return "", false
	}
	return vs[0], true
}

// list is every value of the parameters, split at commas, blanks dropped.
func (q *query) list(params ...string) []string {
	var out []string
	for _, p := range params {
		for _, v := range q.values[p] {
			for s := range strings.SplitSeq(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// id is a parameter's integer; 0 when not given or bad. Its range is the
// filter's Validate's to check.
func (q *query) id(param string) int64 {
	s, ok := q.one(param)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		q.badNumber(param, err)
		return 0
	}
	return n
}

// int is a parameter's int and whether it was given.
func (q *query) int(param string) (int, bool) {
	s, ok := q.one(param)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.badNumber(param, err)
		return 0, false
	}
	return n, true
}

func (q *query) badNumber(param string, err error) {
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		q.bad(param, convo.CodeOutOfRange, "is out of range")
		return
	}
	q.bad(param, convo.CodeInvalid, "must be an integer")
}

func (q *query) bool(param string) bool {
	s, ok := q.one(param)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.bad(param, convo.CodeInvalid, "must be true or false")
	}
	return b
}

func (q *query) uuid(param string) uuid.UUID {
	s, ok := q.one(param)
	if !ok {
		return uuid.Nil
	}
	id, err := uuid.Parse(s)
	if err != nil || id == uuid.Nil {
		q.bad(param, convo.CodeInvalid, "must be a UUID, not nil")
		return uuid.Nil
	}
	return id
}

// time is a parameter's time in UTC: RFC 3339, or Unix seconds.
func (q *query) time(param string) time.Time {
	s, ok := q.one(param)
	if !ok {
		return time.Time{}
	}
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		if secs < minUnix || secs > maxUnix {
			q.bad(param, convo.CodeOutOfRange, "must be between years 1 and 9999")
			return time.Time{}
		}
		return time.Unix(secs, 0).UTC()
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		// an unescaped '+' of an offset reaches us as a space
		t, err = time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1))
	}
	if err != nil {
		q.bad(param, convo.CodeInvalid, "must be an RFC 3339 time (2024-05-10T09:01:27Z) or Unix seconds")
		return time.Time{}
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		q.bad(param, convo.CodeOutOfRange, "must be between years 1 and 9999")
		return time.Time{}
	}
	return t.UTC()
}

// The Unix seconds of years 1 and 9999, the range of a stored time.
var (
	minUnix = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxUnix = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

// paging is page and per_page, or after and per_page.
func (q *query) paging() Paging {
	number, hasNumber := q.int("page")
	perPage, hasPerPage := q.int("per_page")
	if !hasPerPage {
		perPage = DefaultPerPage
	}
	if q.values.Has("after") {
		after := q.values["after"]
		switch {
		case len(after) > 1:
			q.bad("after", convo.CodeInvalid, "must be given once")
		case hasNumber:
			q.bad("after", convo.CodeMismatch, "give page or after, not both")
		case !isCursor(after[0]):
			q.bad("after", convo.CodeInvalid, "is not a cursor: give the next_cursor of a page")
		default:
			return After(after[0], perPage)
		}
		return Paging{}
	}
	if !hasNumber && !hasPerPage {
		return Paging{}
	}
	if !hasNumber {
		number = 1
	}
	return PageNumber(number, perPage)
}

// isCursor reports whether s may be a Page.Next: empty, or short
// base64url. Whether it belongs to the list is the list call's to say.
func isCursor(s string) bool {
	if len(s) > 512 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
