package backend

import "github.com/convokit/convo"

// StatusCodes store statuses as small integers, in Chatwoot's order.
var StatusCodes = map[convo.Status]int{
	convo.StatusOpen: 0, convo.StatusResolved: 1, convo.StatusPending: 2, convo.StatusSnoozed: 3,
}

// statusByCode is StatusCodes the other way.
var statusByCode = func() []convo.Status {
	list := make([]convo.Status, len(StatusCodes))
	for s, c := range StatusCodes {
		list[c] = s
	}
	return list
}()

// StatusFromCode is the status of a stored code, "" for none.
func StatusFromCode(code int) convo.Status {
	if code < 0 || code >= len(statusByCode) {
		return ""
	}
	return statusByCode[code]
}
