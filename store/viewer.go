package store

import "github.com/convokit/convo"

// viewerProblems are the FieldErrors of an optional viewer.
func viewerProblems(v *convo.Viewer) []convo.FieldError {
	if v == nil {
		return nil
	}
	return convo.ViewerProblems("viewer", *v)
}

// validationError is nil, or a *convo.ValidationError listing errs.
func validationError(errs []convo.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &convo.ValidationError{Errors: errs}
}
