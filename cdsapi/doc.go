// Package cdsapi is a client for the load balancer ("负载均衡", HAProxy)
// API of Capital Online's cloud, limited to what lbconf needs: listing
// instances, reading and writing their basic strategies (listeners), and
// reading and writing their advanced (custom) haproxy.cfg.
//
// # Requests
//
// Every request goes to <endpoint>/lb/ with the action's parameters and the
// common parameters (Action, AccessKeyId, SignatureMethod, SignatureNonce,
// SignatureVersion, Timestamp, Version) in the query string, signed with
// HMAC-SHA1 as described at [Sign]. Describe* actions are GETs; Modify* and
// Add* actions are POSTs with a JSON body, which is not signed.
//
// # Answers and errors
//
// The API answers with an envelope {Code, Message, Data, TaskId}. An HTTP
// status other than 200, or a Code other than "Success", is returned as an
// [*APIError]. A body that is not such an envelope gives an error wrapping
// [ErrMalformedResponse].
//
// # Retries and timeouts
//
// Every attempt has a timeout ([Options.Timeout]). GETs are retried with
// exponential backoff on network errors, timeouts and HTTP 5xx, each time
// with a fresh nonce and timestamp. A POST is sent exactly once: it is never
// resent, not even when the connection was refused, because a change must
// not be applied twice. When a POST fails after it may have reached the
// server (the connection broke, the answer timed out or was not an API
// envelope) the error wraps [ErrOutcomeUnknown]: the change may or may not
// have been applied, and the caller must look at the instance before trying
// again.
//
// # Secrets
//
// The secret key never leaves the [Credentials] value except to compute
// signatures: Credentials print redacted, errors never contain the secret
// or a signature, and the debug log ([Options.Debug]) shows URLs with the
// AccessKeyId masked and the Signature replaced by REDACTED.
//
// The package fakecds provides a local fake of the API for tests.
package cdsapi
