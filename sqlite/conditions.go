package sqlite

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// A custom view's conditions become one WHERE fragment per list: the
// saved view's, then the filter's own. Each group of terms is and-ed, the
// groups or-ed; each term is its positive predicate with an unknown (NULL)
// outcome as false, negated when the term says Not. Values and attribute
// keys travel as arguments; the SQL is shaped by the terms' fields,
// operators and value counts only.

// conditionWhere is the fragments of the filter's custom view, the saved
// view read in tx (an unknown name is ErrNotFound).
func conditionWhere(ctx context.Context, tx *dbtx, accountID int64, f store.ConversationFilter, now time.Time) (where, error) {
	var w where
	if f.View != "" {
		v, err := getView(ctx, tx, accountID, f.View)
		if err != nil {
			return w, err
		}
		andConditions(&w, v.Conditions, now)
	}
	andConditions(&w, f.Conditions, now)
	return w, nil
}

// andConditions adds one fragment for a condition list, if it has any.
func andConditions(w *where, list []store.Condition, now time.Time) {
	if len(list) == 0 {
		return
	}
	var groups []string
	var args []any
	for _, group := range store.Conditions(list, now) {
		terms := make([]string, len(group))
		for i, t := range group {
			sql, targs := termSQL(t)
			terms[i] = "coalesce(" + sql + ", 0)"
			if t.Not {
				terms[i] = "NOT " + terms[i]
			}
			args = append(args, targs...)
		}
		groups = append(groups, "("+strings.Join(terms, " AND ")+")")
	}
	w.and("("+strings.Join(groups, " OR ")+")", args...)
}

// contactHas wraps a predicate on the conversation's contact (k).
func contactHas(pred string) string {
	return `EXISTS (SELECT 1 FROM convo_contacts k WHERE k.id = c.contact_id AND ` + pred + `)`
}

// termSQL is a term's positive predicate and its arguments.
func termSQL(t store.Term) (string, []any) {
	switch t.Field {
	case store.FieldStatus:
		return "c.status IN (" + placeholders(len(t.Statuses)) + ")", statusArgs(t.Statuses)
	case store.FieldPriority:
		if t.Operator == store.OpIsPresent {
			return "c.priority <> 0", nil
		}
		args := make([]any, len(t.Priorities))
		for i, p := range t.Priorities {
			args[i] = p.Rank()
		}
		return "c.priority IN (" + placeholders(len(args)) + ")", args
	case store.FieldAssignee:
		if t.Operator == store.OpIsPresent {
			return "c.assignee_id IS NOT NULL", nil
		}
		args := make([]any, len(t.Users))
		for i, u := range t.Users {
			args[i] = uuidValue(u)
		}
		return "c.assignee_id IN (" + placeholders(len(args)) + ")", args
	case store.FieldInbox, store.FieldTeam:
		column := map[store.Field]string{store.FieldInbox: "c.inbox_id", store.FieldTeam: "c.team_id"}[t.Field]
		if t.Operator == store.OpIsPresent {
			return column + " IS NOT NULL", nil
		}
		return column + " IN (" + placeholders(len(t.IDs)) + ")", anys(t.IDs)
	case store.FieldLabels:
		if t.Operator == store.OpIsPresent {
			return "c.label_list IS NOT NULL", nil
		}
		return "EXISTS (SELECT 1 FROM convo_conversation_labels l WHERE l.conversation_id = c.id AND l.label IN (" +
			placeholders(len(t.Texts)) + "))", anys(t.Texts)
	case store.FieldCreatedAt, store.FieldLastActivityAt, store.FieldWaitingSince:
		column := map[store.Field]string{store.FieldCreatedAt: "c.created_at", store.FieldLastActivityAt: "c.last_activity_at",
			store.FieldWaitingSince: "c.waiting_since"}[t.Field]
		switch t.Operator {
		case store.OpIsPresent:
			return column + " IS NOT NULL", nil
		case store.OpIsGreaterThan:
			return column + " > ?", []any{timeValue(backend.StoredTime(t.Time))}
		}
		return column + " < ?", []any{timeValue(backend.StoredTime(t.Time))}
	case store.FieldContactName, store.FieldContactEmail, store.FieldContactPhone, store.FieldContactIdentifier:
		column := map[store.Field]string{store.FieldContactName: "k.sort_name", store.FieldContactEmail: "k.email_key",
			store.FieldContactPhone: "k.phone", store.FieldContactIdentifier: "k.identifier"}[t.Field]
		sql, args := textSQL(column, t)
		return contactHas(sql), args
	case store.FieldContactBlocked:
		args := make([]any, len(t.Bools))
		for i, b := range t.Bools {
			args[i] = b
		}
		return contactHas("k.blocked IN (" + placeholders(len(args)) + ")"), args
	}
	return attributeSQL(t)
}

// textSQL compares a text column with a term's texts.
func textSQL(column string, t store.Term) (string, []any) {
	switch t.Operator {
	case store.OpIsPresent:
		return column + " <> ''", nil
	case store.OpContains, store.OpStartsWith:
		test := "instr(" + column + ", ?) > 0"
		if t.Operator == store.OpStartsWith {
			test = "instr(" + column + ", ?) = 1"
		}
		return "(" + strings.Repeat(test+" OR ", len(t.Texts)-1) + test + ")", anys(t.Texts)
	}
	return column + " IN (" + placeholders(len(t.Texts)) + ")", anys(t.Texts)
}

// attributeSQL is the predicate of a custom or additional attribute: the
// value at the key, compared by its JSON type. SQLite's lower() folds A to
// Z only, as store.FoldASCII does.
func attributeSQL(t store.Term) (string, []any) {
	bag := "c."
	if t.Contact {
		bag = "k."
	}
	bag += map[store.Field]string{store.FieldCustomAttribute: "custom_attributes",
		store.FieldAdditionalAttribute: "additional_attributes"}[t.Field]
	path := `$."` + t.Key + `"` // the key is letters, digits, '_' and '-'
	kind := "json_type(" + bag + ", ?)"
	value := "json_extract(" + bag + ", ?)"
	text := "lower(" + value + ")"
	var sql string
	var args []any
	switch t.Operator {
	case store.OpIsPresent:
		sql, args = kind+" <> 'null' AND "+value+" IS NOT ''", []any{path, path}
	case store.OpContains, store.OpStartsWith:
		test := "instr(" + text + ", ?) > 0"
		if t.Operator == store.OpStartsWith {
			test = "instr(" + text + ", ?) = 1"
		}
		sql, args = kind+" = 'text' AND ("+strings.Repeat(test+" OR ", len(t.Texts)-1)+test+")", []any{path}
		for _, x := range t.Texts {
			args = append(args, path, x)
		}
	case store.OpIsGreaterThan, store.OpIsLessThan:
		op := map[store.Operator]string{store.OpIsGreaterThan: " > ?", store.OpIsLessThan: " < ?"}[t.Operator]
		if len(t.Numbers) > 0 {
			sql, args = kind+" IN ('integer', 'real') AND "+value+op, []any{path, path, t.Numbers[0]}
		} else {
			sql, args = kind+" = 'text' AND "+text+op, []any{path, path, t.Texts[0]}
		}
	default: // OpEqualTo
		sql = "CASE " + kind + " WHEN 'text' THEN " + text + " IN (" + placeholders(len(t.Texts)) + ")"
		args = append([]any{path, path}, anys(t.Texts)...)
		if len(t.Numbers) > 0 {
			sql += " WHEN 'integer' THEN " + value + " IN (" + placeholders(len(t.Numbers)) + ")" +
				" WHEN 'real' THEN " + value + " IN (" + placeholders(len(t.Numbers)) + ")"
			args = append(append(append(append(args, path), anys(t.Numbers)...), path), anys(t.Numbers)...)
		}
		for _, b := range []bool{true, false} {
			if slices.Contains(t.Bools, b) {
				sql += " WHEN '" + map[bool]string{true: "true", false: "false"}[b] + "' THEN 1"
			}
		}
		sql += " ELSE 0 END"
	}
	if t.Contact {
		return contactHas(sql), args
	}
	return "(" + sql + ")", args
}
