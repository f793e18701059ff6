package triggers

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// decode turns JSON into a generic value for comparisons.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// TestSampleItemsValidateAndMap turns every event type's built-in sample
// into its item and checks it against the trigger's Item schema and
// against the mapping rules field by field.
func TestSampleItemsValidateAndMap(t *testing.T) {
	for _, et := range hub.EventTypes {
		t.Run(et, func(t *testing.T) {
			tr, _ := ForEvent(et)
			ev, err := Sample(et)
			if err != nil {
				t.Fatal(err)
			}
			item, err := Item(ev)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas.Validate(tr.Item, item); err != nil {
				t.Fatalf("item does not match %s: %v %v\n%s", tr.Item, err, hub.ErrorFields(err), item)
			}
			got, data := decode(t, item), decode(t, ev.Data)
			idField := map[string]string{CandidateItem: "candidate_id", JobItem: "job_id"}[tr.Item]
			ts, _ := json.Marshal(ev.Timestamp)
			if got["id"] != ev.ID || got["event_type"] != et || `"`+got["occurred_at"].(string)+`"` != string(ts) || got[idField] != data["id"] {
				t.Errorf("head: id %v type %v occurred_at %v %s %v; event %s %s, data id %v",
					got["id"], got["event_type"], got["occurred_at"], idField, got[idField], ev.ID, ts, data["id"])
			}
			for k, v := range data {
				switch sub := v.(type) {
				case map[string]any:
					for sk, sv := range sub {
						if !reflect.DeepEqual(got[k+"_"+sk], sv) {
							t.Errorf("%s_%s = %v, want %v", k, sk, got[k+"_"+sk], sv)
						}
					}
					if _, nested := got[k]; nested {
						t.Errorf("%s is kept nested; it must be flattened", k)
					}
				default:
					if k != "id" && !reflect.DeepEqual(got[k], v) {
						t.Errorf("%s = %v, want %v", k, got[k], v)
					}
				}
			}
			if tr.Item == CandidateItem {
				prev, has := got["previous_status"]
				want := any(nil)
				if ev.PreviousStatus != nil {
					want = *ev.PreviousStatus
				}
				if !has || prev != want || (et == hub.EventCandidateStatusChanged) != (prev != nil) {
					t.Errorf("previous_status = %v (present %v), want %v", prev, has, want)
				}
			}
			for _, list := range []string{"experience", "education", "skills", "tags"} {
				if _, isCand := data[list]; isCand {
					if _, ok := got[list].([]any); !ok {
						t.Errorf("%s is not an array: %v", list, got[list])
					}
				}
			}
		})
	}
}

// TestNullObjectsFlattenToNulls checks that a candidate without a resume
// and a job without a hiring manager still carry every flattened key, as
// null, so a field mapping made on a full sample keeps working.
func TestNullObjectsFlattenToNulls(t *testing.T) {
	cases := map[string]struct {
		object string
		keys   []string
	}{
		hub.EventCandidateCreated: {"resume", []string{"resume_filename", "resume_content_type", "resume_size", "resume_url"}},
		hub.EventJobUpdated:       {"hiring_manager", []string{"hiring_manager_name", "hiring_manager_email"}},
	}
	for et, c := range cases {
		t.Run(et, func(t *testing.T) {
			ev, _ := Sample(et)
			data := decode(t, ev.Data)
			data[c.object] = nil
			ev.Data, _ = json.Marshal(data)
			item, err := Item(ev)
			if err != nil {
				t.Fatal(err)
			}
			tr, _ := ForEvent(et)
			if err := schemas.Validate(tr.Item, item); err != nil {
				t.Fatalf("%v %v", err, hub.ErrorFields(err))
			}
			got := decode(t, item)
			for _, k := range c.keys {
				if v, ok := got[k]; !ok || v != nil {
					t.Errorf("%s = %v (present %v), want null", k, v, ok)
				}
			}
		})
	}
}

func TestItemRefusesWhatIsNotAnEvent(t *testing.T) {
	ev, _ := Sample(hub.EventJobCreated)
	cases := map[string]hub.Event{
		"unknown type":      {ID: ev.ID, Type: "job.deleted", Data: ev.Data},
		"data not object":   {ID: ev.ID, Type: ev.Type, Data: json.RawMessage(`[1]`)},
		"data not JSON":     {ID: ev.ID, Type: ev.Type, Data: json.RawMessage(`{"id":`)},
		"resume not object": {ID: ev.ID, Type: hub.EventCandidateCreated, Data: json.RawMessage(`{"id":"cand_x","resume":"cv.pdf"}`)},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			if item, err := Item(bad); err == nil {
				t.Fatalf("Item accepted it: %s", item)
			}
		})
	}
}

// TestDeliveryBody checks the REST-hook body: the webhook envelope plus
// item, validating against hook_delivery for every event type.
func TestDeliveryBody(t *testing.T) {
	for _, et := range hub.EventTypes {
		t.Run(et, func(t *testing.T) {
			ev, _ := Sample(et)
			body, err := DeliveryBody(ev)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas.Validate("hook_delivery", body); err != nil {
				t.Fatalf("%v %v\n%s", err, hub.ErrorFields(err), body)
			}
			got := decode(t, body)
			item, _ := Item(ev)
			envelope, _ := json.Marshal(ev)
			want := decode(t, envelope)
			want["item"] = decode(t, item)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("body %s\nwant the envelope %s plus item", body, envelope)
			}
		})
	}
}

// TestBuiltInSamplesValidate checks every built-in sample against its
// event schema and the envelope, since GET /v1/samples serves them.
func TestBuiltInSamplesValidate(t *testing.T) {
	for _, et := range hub.EventTypes {
		t.Run(et, func(t *testing.T) {
			ev, err := Sample(et)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := schemas.ForEvent(et)
			for _, s := range []string{name, "event"} {
				if err := schemas.ValidateValue(s, ev); err != nil {
					t.Errorf("%s: %v %v", s, err, hub.ErrorFields(err))
				}
			}
			if ev.Type != et || !hub.ValidID(hub.PrefixEvent, ev.ID) {
				t.Errorf("sample %s %s", ev.Type, ev.ID)
			}
		})
	}
	if _, err := Sample("job.deleted"); err == nil {
		t.Error("a sample for an unknown type")
	}
}
