"""Templates of the Go target: the fixed parts of every generated file.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.go`) only places
them around the declarations and methods it writes from the model. Every import is used here,
whatever the plan holds, so a plan can never leave an unused import (a compile error in Go).
"""

from __future__ import annotations

IMPORTS = """
import (
\t"bytes"
\t"encoding/json"
\t"fmt"
\t"log"
\t"time"

\tsegment "github.com/segmentio/analytics-go/v3"
)
"""

PRELUDE = """
// Call holds what every call passes through to the SDK besides its payload. Segment needs a
// UserId, an AnonymousId, or both (the SDK refuses a call with neither).
type Call struct {
\tUserId       string
\tAnonymousId  string
\tMessageId    string
\tTimestamp    time.Time
\tContext      *segment.Context
\tIntegrations segment.Integrations
}

// Violation is one way a payload does not fit the plan, found by the runtime check.
type Violation struct {
\tKind    string // track, identify, group, page or screen
\tName    string // the event, page or screen name; "" for identify and group
\tPath    string // where in the message, e.g. properties.products[0].price
\tMessage string
}

// Error makes a Violation an error.
func (v Violation) Error() string {
\tsubject := v.Name
\tif subject == "" {
\t\tsubject = v.Kind
\t}
\treturn fmt.Sprintf("tracking plan violation in %q at %s: %s", subject, v.Path, v.Message)
}

// LogViolation is the default violation handler: it logs the violation with the standard
// logger and lets the call be sent anyway.
func LogViolation(v Violation) error {
\tlog.Print(v.Error())
\treturn nil
}

// Client sends the plan's calls through an analytics-go client. Every call adds
// context.protocols (the plan id and version) to the context it sends.
type Client struct {
\tanalytics   segment.Client
\tonViolation func(Violation) error
}

// Option configures a Client.
type Option func(*Client)

// OnViolation sets what a call does with each violation the runtime check finds: a nil
// error sends the call anyway, an error stops it and the method returns that error. The
// default is LogViolation.
func OnViolation(handler func(Violation) error) Option {
\treturn func(c *Client) { c.onViolation = handler }
}

// New wraps an analytics-go client: tracking.New(analytics.New(writeKey)).
func New(client segment.Client, options ...Option) *Client {
\tc := &Client{analytics: client, onViolation: LogViolation}
\tfor _, option := range options {
\t\toption(c)
\t}
\treturn c
}

// Ptr returns a pointer to a copy of v, for optional fields: Coupon: tracking.Ptr("SAVE10").
func Ptr[T any](v T) *T {
\treturn &v
}

// check runs a payload's runtime check and hands each violation to the handler; the first
// error a handler returns stops the call.
func (c *Client) check(kind, name, field string, check func(string, func(string, string))) error {
\tvar stop error
\tcheck(field, func(path, message string) {
\t\tif stop == nil {
\t\t\tstop = c.onViolation(Violation{Kind: kind, Name: name, Path: path, Message: message})
\t\t}
\t})
\treturn stop
}

// withPlan is a copy of the caller's context with context.protocols set to this plan; the
// caller's other context.protocols keys are kept.
func withPlan(context *segment.Context) *segment.Context {
\tstamped := segment.Context{}
\tif context != nil {
\t\tstamped = *context
\t}
\textra := make(map[string]any, len(stamped.Extra)+1)
\tfor key, value := range stamped.Extra {
\t\textra[key] = value
\t}
\tprotocols := map[string]any{}
\tif own, ok := extra["protocols"].(map[string]any); ok {
\t\tfor key, value := range own {
\t\t\tprotocols[key] = value
\t\t}
\t}
\tprotocols["plan"] = PlanID
\tprotocols["version"] = planVersion
\textra["protocols"] = protocols
\tstamped.Extra = extra
\treturn &stamped
}

// toMap is the JSON object a payload marshals to, numbers kept exact (json.Number), as the
// SDK's Properties and Traits maps want it.
func toMap(value any) (map[string]any, error) {
\tdata, err := json.Marshal(value)
\tif err != nil {
\t\treturn nil, err
\t}
\tdecoder := json.NewDecoder(bytes.NewReader(data))
\tdecoder.UseNumber()
\tvar out map[string]any
\tif err := decoder.Decode(&out); err != nil {
\t\treturn nil, err
\t}
\treturn out, nil
}

// at is the path of an array item or a map value.
func at(path string, index any) string {
\tif key, ok := index.(string); ok {
\t\treturn path + "." + key
\t}
\treturn fmt.Sprintf("%s[%v]", path, index)
}
"""
