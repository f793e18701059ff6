package triggers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/visage-jobs/visage-hub/hub"
)

// flattened lists the object fields of a resource that a trigger item
// spreads into prefixed top-level fields (resume → resume_filename, …), in
// the order the item carries them. Field pickers in Zapier, Make and n8n
// handle flat objects best; arrays stay arrays. A null object gives null
// for every one of its fields, so an item always has the same keys.
var flattened = map[string][]string{
	"resume":         {"filename", "content_type", "size", "url"},
	"hiring_manager": {"name", "email"},
}

// Item turns an event into its trigger item: a flat object whose id is the
// event's ID (so each occurrence triggers once), then event_type,
// occurred_at, the resource's ID as candidate_id or job_id, every other
// field of the resource in its order (objects flattened, see flattened),
// and on candidate items previous_status. Polling, hook deliveries and
// samples all call it, so the three can never disagree.
func Item(ev hub.Event) (json.RawMessage, error) {
	tr, ok := ForEvent(ev.Type)
	if !ok {
		return nil, fmt.Errorf("triggers: no trigger for event type %q", ev.Type)
	}
	fields, err := objectFields(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("triggers: event %s: %w", ev.ID, err)
	}
	idField := "job_id"
	if tr.Item == CandidateItem {
		idField = "candidate_id"
	}
	var w itemWriter
	w.add("id", ev.ID)
	w.add("event_type", ev.Type)
	w.add("occurred_at", ev.Timestamp)
	w.addRaw(idField, fields.get("id"))
	for _, f := range fields {
		if f.name == "id" {
			continue
		}
		subs, flat := flattened[f.name]
		if !flat {
			w.addRaw(f.name, f.value)
			continue
		}
		inner := objectList(nil)
		if !bytes.Equal(bytes.TrimSpace(f.value), []byte("null")) {
			if inner, err = objectFields(f.value); err != nil {
				return nil, fmt.Errorf("triggers: event %s: %s: %w", ev.ID, f.name, err)
			}
		}
		for _, sub := range subs {
			w.addRaw(f.name+"_"+sub, inner.get(sub))
		}
		for _, extra := range inner { // a new sub-field is carried, never dropped
			if !contains(subs, extra.name) {
				w.addRaw(f.name+"_"+extra.name, extra.value)
			}
		}
	}
	if tr.Item == CandidateItem {
		w.add("previous_status", ev.PreviousStatus)
	}
	return w.done()
}

// Delivery is the body of a REST-hook delivery: the event envelope exactly
// as a webhook receives it, plus item, so every platform unwraps with one
// expression (body.item).
type Delivery struct {
	hub.Event
	Item json.RawMessage `json:"item"`
}

// DeliveryOf builds the REST-hook body of an event.
func DeliveryOf(ev hub.Event) (Delivery, error) {
	item, err := Item(ev)
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Event: ev, Item: item}, nil
}

// DeliveryBody is DeliveryOf encoded, what the dispatcher sends to a hook.
func DeliveryBody(ev hub.Event) ([]byte, error) {
	d, err := DeliveryOf(ev)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("triggers: encode delivery %s: %w", ev.ID, err)
	}
	return b, nil
}

type field struct {
	name  string
	value json.RawMessage
}

type objectList []field

func (l objectList) get(name string) json.RawMessage {
	for _, f := range l {
		if f.name == name {
			return f.value
		}
	}
	return nil
}

// objectFields reads a JSON object's members in their order.
func objectFields(raw json.RawMessage) (objectList, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read data: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("data is not a JSON object")
	}
	var out objectList
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read data: %w", err)
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read data.%s: %w", name, err)
		}
		out = append(out, field{name: name, value: v})
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read data: %w", err)
	}
	return out, nil
}

// itemWriter writes a JSON object member by member, keeping their order.
type itemWriter struct {
	buf bytes.Buffer
	err error
}

func (w *itemWriter) add(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.err = errors.Join(w.err, fmt.Errorf("encode %s: %w", name, err))
		return
	}
	w.addRaw(name, b)
}

// addRaw writes a member; a missing value (nil) is written as null.
func (w *itemWriter) addRaw(name string, v json.RawMessage) {
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	k, _ := json.Marshal(name)
	w.buf.Write(k)
	w.buf.WriteByte(':')
	if len(v) == 0 {
		w.buf.WriteString("null")
		return
	}
	if err := json.Compact(&w.buf, v); err != nil {
		w.err = errors.Join(w.err, fmt.Errorf("encode %s: %w", name, err))
	}
}

func (w *itemWriter) done() (json.RawMessage, error) {
	if w.err != nil {
		return nil, fmt.Errorf("triggers: %w", w.err)
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
