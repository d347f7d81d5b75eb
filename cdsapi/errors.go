package cdsapi

import (
	"errors"
	"fmt"
	"strings"
)

// Codes of the envelope, as the API documents them (错误码).
const (
	CodeSuccess              = "Success"              // HTTP 200
	CodeArgMissing           = "ArgMissing"           // HTTP 400: a required parameter is missing
	CodeInvalidParameter     = "InvalidParameter"     // HTTP 400: a parameter is wrong
	CodeBadArgs              = "BadArgs"              // HTTP 400: a parameter is wrong
	CodeUnsupportedOperation = "UnsupportedOperation" // HTTP 400
	CodeResourceNotFound     = "ResourceNotFound"     // HTTP 404
	CodeResourceInUse        = "ResourceInUse"        // HTTP 409: another task holds the instance
	CodeInternalError        = "InternalError"        // HTTP 500
	CodeCreateOrderExcept    = "CreateOrderExcept"    // HTTP 500: ordering failed
)

var (
	// ErrMalformedResponse is wrapped when an answer is not the API's JSON
	// envelope, or its Data does not have the documented shape.
	ErrMalformedResponse = errors.New("malformed response")

	// ErrOutcomeUnknown is wrapped when a POST failed after it may have
	// reached the server: the connection broke, no answer came in time, or
	// the answer was not an API envelope. The change may have been applied;
	// look at the instance before sending it again.
	ErrOutcomeUnknown = errors.New("outcome unknown")

	// ErrInstanceNotFound is wrapped by [Client.DescribeLoadBalancer] when
	// no instance has the UUID.
	ErrInstanceNotFound = errors.New("instance not found")
)

// APIError is an answer of the API that reports a failure: an HTTP status
// other than 200, or a Code other than "Success". Use errors.As to get it
// from an error of this package.
type APIError struct {
	// Action is the API action that failed, such as "DescribeLoadBalancers".
	Action string
	// HTTPStatus is the HTTP status code of the answer.
	HTTPStatus int
	// Code is the envelope's Code ("ResourceInUse", ...); empty when the
	// answer was not an envelope (a proxy's error page, say).
	Code string
	// Message is the envelope's Message, or the start of a body that was not
	// an envelope.
	Message string
	// TaskId is the envelope's TaskId, if any.
	TaskId string
	// RequestID identifies the request for the provider's support: the
	// envelope's RequestId or the X-Request-Id header, if any.
	RequestID string
}

// Error shows the action, the Code and the Message, the HTTP status and the
// request ID.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cdsapi: %s: ", e.Action)
	if e.Code != "" {
		fmt.Fprintf(&b, "%s: %s (HTTP %d", e.Code, e.Message, e.HTTPStatus)
	} else {
		fmt.Fprintf(&b, "HTTP %d: %s (no API error code", e.HTTPStatus, e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request ID %s", e.RequestID)
	}
	b.WriteString(")")
	return b.String()
}

// ErrorCode returns the Code of the [*APIError] in err's chain, or "" if
// there is none.
func ErrorCode(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}
