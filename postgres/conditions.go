package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/convokit/convo/internal/backend"
	"github.com/convokit/convo/store"
)

// A custom view's conditions (store.Condition) narrow a list of
// conversations c by one WHERE fragment per condition list: its groups
// or-ed, the terms of a group and-ed. A term is its positive predicate with
// an unknown (NULL) outcome read as false, negated when the term is
// negative, so that not_equal_to keeps exactly what equal_to leaves. The
// fragments are fixed text; values, attribute keys included, are bound
// arguments.

// conditions are a filter's condition lists resolved into groups of terms
// (store.Conditions): its saved view's, then its own.
type conditions [][][]store.Term

// resolveConditions resolves the non-empty lists at now, the store's
// clock (for days_before).
func resolveConditions(now time.Time, lists ...[]store.Condition) conditions {
	var cs conditions
	for _, list := range lists {
		if len(list) > 0 {
			cs = append(cs, store.Conditions(list, now))
		}
	}
	return cs
}

// filterConditions are the filter's conditions: those of its saved view,
// read in tx (a name the account has none of is ErrNotFound), then its
// own.
func filterConditions(ctx context.Context, tx pgx.Tx, accountID int64, f store.ConversationFilter, now time.Time) (conditions, error) {
	if f.View == "" {
		return resolveConditions(now, f.Conditions), nil
	}
	saved, err := viewConditions(ctx, tx, accountID, f.View)
	if err != nil {
		return nil, err
	}
	return resolveConditions(now, saved, f.Conditions), nil
}

// andConditions narrows w to the conversations that meet every list.
func andConditions(w *where, cs conditions) {
	for _, groups := range cs {
		var p predicate
		p.groups(groups)
		w.and(p.sql.String(), p.args...)
	}
}

// predicate is SQL built from the fixed fragments below, in which ?
// stands for the next argument (numbered by where).
type predicate struct {
	sql  strings.Builder
	args []any
}

func (p *predicate) add(fragment string, args ...any) {
	p.sql.WriteString(fragment)
	p.args = append(p.args, args...)
}

// groups writes ((t1 AND t2) OR (t3 AND ...)).
func (p *predicate) groups(groups [][]store.Term) {
	p.add("(")
	for i, g := range groups {
		if i > 0 {
			p.add(" OR ")
		}
		p.add("(")
		for j, t := range g {
			if j > 0 {
				p.add(" AND ")
			}
			p.term(t)
		}
		p.add(")")
	}
	p.add(")")
}

// term writes a term: its positive predicate, never NULL, negated when
// the term is.
func (p *predicate) term(t store.Term) {
	if t.Not {
		p.add("NOT ")
	}
	p.add("coalesce(")
	p.positive(t)
	p.add(", false)")
}

const (
	// ofContact reads the conversation's contact, k.
	ofContact = ` FROM convo_contacts k WHERE k.account_id = c.account_id AND k.id = c.contact_id`
	// foldedText is a JSON string a.v as text, A to Z in lower case
	// (store.FoldASCII: lower() folds more) and compared byte by byte.
	foldedText = `translate(a.v #>> '{}', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C"`
	isString   = `jsonb_typeof(a.v) = 'string'`
)

// positive writes the term's positive predicate, which may be NULL.
func (p *predicate) positive(t store.Term) {
	present := t.Operator == store.OpIsPresent
	switch t.Field {
	case store.FieldStatus:
		p.add(`c.status = ANY(?::smallint[])`, statusArgs(t.Statuses))
	case store.FieldPriority:
		if present {
			p.add(`c.priority <> 0`)
			return
		}
		ranks := make([]int16, len(t.Priorities))
		for i, pr := range t.Priorities {
			ranks[i] = int16(pr.Rank())
		}
		p.add(`c.priority = ANY(?::smallint[])`, ranks)
	case store.FieldAssignee:
		if present {
			p.add(`c.assignee_id IS NOT NULL`)
			return
		}
		users := make([]string, len(t.Users))
		for i, u := range t.Users {
			users[i] = u.String()
		}
		p.add(`c.assignee_id = ANY(?::uuid[])`, users)
	case store.FieldInbox:
		p.ids(`c.inbox_id`, t)
	case store.FieldTeam:
		p.ids(`c.team_id`, t)
	case store.FieldLabels:
		if present {
			p.add(`cardinality(c.labels) > 0`)
			return
		}
		p.add(`c.labels && ?::text[]`, t.Texts)
	case store.FieldCreatedAt:
		p.time(`c.created_at`, t)
	case store.FieldLastActivityAt:
		p.time(`c.last_activity_at`, t)
	case store.FieldWaitingSince:
		p.time(`c.waiting_since`, t)
	case store.FieldContactName:
		p.contactText(`k.sort_name`, t)
	case store.FieldContactEmail:
		p.contactText(`k.email_key`, t)
	case store.FieldContactPhone:
		p.contactText(`k.phone`, t)
	case store.FieldContactIdentifier:
		p.contactText(`k.identifier`, t)
	case store.FieldContactBlocked:
		p.add(`(SELECT k.blocked = ANY(?::boolean[])`+ofContact+`)`, t.Bools)
	case store.FieldCustomAttribute, store.FieldAdditionalAttribute:
		p.attribute(t)
	default:
		p.add(`false`) // a field this store does not know: matches nothing
	}
}

// ids writes a term of an optional reference (inbox, team); column is a
// constant of this package.
func (p *predicate) ids(column string, t store.Term) {
	if t.Operator == store.OpIsPresent {
		p.add(column + ` IS NOT NULL`)
		return
	}
	p.add(column+` = ANY(?::bigint[])`, t.IDs)
}

// time writes a term of a time column.
func (p *predicate) time(column string, t store.Term) {
	switch t.Operator {
	case store.OpIsPresent:
		p.add(column + ` IS NOT NULL`)
	case store.OpIsGreaterThan:
		p.add(column+` > ?::timestamptz`, backend.StoredTime(t.Time))
	default: // OpIsLessThan
		p.add(column+` < ?::timestamptz`, backend.StoredTime(t.Time))
	}
}

// contactText writes a term of a text column of the contact: NULL or
// empty when it has none.
func (p *predicate) contactText(column string, t store.Term) {
	p.add(`(SELECT `)
	p.text(column, t)
	p.add(ofContact + `)`)
}

// text writes a term comparing the text expression x (a constant of this
// package) with the term's texts as plain text: % and _ are themselves.
func (p *predicate) text(x string, t store.Term) {
	switch t.Operator {
	case store.OpEqualTo:
		p.add(x+` = ANY(?::text[])`, t.Texts)
	case store.OpContains:
		p.add(`EXISTS (SELECT FROM unnest(?::text[]) x(t) WHERE strpos(`+x+`, x.t) > 0)`, t.Texts)
	case store.OpStartsWith:
		p.add(`EXISTS (SELECT FROM unnest(?::text[]) x(t) WHERE starts_with(`+x+`, x.t))`, t.Texts)
	case store.OpIsPresent:
		p.add(x + ` <> ''`)
	default:
		p.add(`false`)
	}
}

// attribute writes a term of a custom or additional attribute: the value
// a.v at its key (NULL when unset), of the conversation or of its contact,
// in a subquery, so that the key is bound once.
func (p *predicate) attribute(t store.Term) {
	var v predicate
	v.attributeValue(t)
	bag := "custom_attributes"
	if t.Field == store.FieldAdditionalAttribute {
		bag = "additional_attributes"
	}
	p.add(`(SELECT `)
	p.add(v.sql.String(), v.args...)
	if t.Contact {
		p.add(` FROM (SELECT k.`+bag+` -> ?::text`+ofContact+`) a(v))`, t.Key)
	} else {
		p.add(` FROM (SELECT c.`+bag+` -> ?::text) a(v))`, t.Key)
	}
}

// attributeValue writes the predicate on a.v, by its JSON type. CASE
// guards each cast: AND does not fix an order of evaluation.
func (p *predicate) attributeValue(t store.Term) {
	switch t.Operator {
	case store.OpEqualTo:
		p.add(`CASE jsonb_typeof(a.v) WHEN 'string' THEN `+foldedText+` = ANY(?::text[])
	WHEN 'number' THEN a.v::float8 = ANY(?::float8[]) WHEN 'boolean' THEN a.v::boolean = ANY(?::boolean[]) END`,
			nonNil(t.Texts), nonNil(t.Numbers), nonNil(t.Bools))
	case store.OpContains, store.OpStartsWith:
		p.add(isString + ` AND `)
		p.text(foldedText, t)
	case store.OpIsPresent:
		p.add(`jsonb_typeof(a.v) <> 'null' AND a.v <> '""'::jsonb`)
	case store.OpIsGreaterThan, store.OpIsLessThan:
		op := ` > `
		if t.Operator == store.OpIsLessThan {
			op = ` < `
		}
		if len(t.Numbers) > 0 {
			p.add(`CASE WHEN jsonb_typeof(a.v) = 'number' THEN a.v::float8`+op+`?::float8 END`, t.Numbers[0])
		} else {
			p.add(`CASE WHEN `+isString+` THEN `+foldedText+op+`?::text END`, t.Texts[0])
		}
	default:
		p.add(`false`)
	}
}

// nonNil is list, or an empty one for nil: an array, not NULL.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
