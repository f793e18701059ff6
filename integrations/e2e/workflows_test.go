//go:build e2e

package e2e

// The credential and workflows the test imports with n8n's CLI. Node types
// are the installed package's (n8n-nodes-visage.*), as a user who installed
// it from npm would have them.

const (
	credID         = "VisageE2eCred001"
	credName       = "Visage e2e"
	actionsWF      = "VisageE2eActions"
	hookWF         = "VisageE2eHookTrg"
	pollWF         = "VisageE2ePollTrg"
	hookWebhookID  = "6c0b4b1e-3d2f-4c55-9a57-0e2d2f7b9a11"
	hookTag        = "n8n-hook"
	pollTag        = "n8n-poll"
	visageNode     = "n8n-nodes-visage.visage"
	visageTrigger  = "n8n-nodes-visage.visageTrigger"
	visagePoller   = "n8n-nodes-visage.visagePollingTrigger"
	triggerEventUI = "candidate_interested" // trigger key; its hub event is candidate.interested
)

func credentials(hubURL, key string) []map[string]any {
	return []map[string]any{{
		"id": credID, "name": credName, "type": "visageApi",
		"data": map[string]any{"apiKey": key, "baseUrl": hubURL},
	}}
}

var visageCred = map[string]any{"visageApi": map[string]any{"id": credID, "name": credName}}

func visage(name string, x int, params map[string]any) map[string]any {
	return map[string]any{
		"id": name, "name": name, "type": visageNode, "typeVersion": 1,
		"position": []int{x, 0}, "parameters": params, "credentials": visageCred,
	}
}

// chain connects nodes one after the other, in order.
func chain(names ...string) map[string]any {
	c := map[string]any{}
	for i := 0; i+1 < len(names); i++ {
		c[names[i]] = map[string]any{"main": [][]map[string]any{{{"node": names[i+1], "type": "main", "index": 0}}}}
	}
	return c
}

func workflow(id, name string, nodes []map[string]any, conns map[string]any) map[string]any {
	return map[string]any{
		"id": id, "name": name, "active": false, "nodes": nodes, "connections": conns,
		"settings": map[string]any{"executionOrder": "v1"},
	}
}

// actionsWorkflow creates a job, a candidate for it, moves the candidate
// to contacted, attaches a resume fetched from fileURL, finds the
// candidate by e-mail and downloads the resume.
func actionsWorkflow(title, email, fileURL, fileName string) map[string]any {
	nodes := []map[string]any{
		{"id": "Start", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": []int{0, 0}, "parameters": map[string]any{}},
		visage("Create Job", 200, map[string]any{
			"resource": "job", "operation": "create_job", "title": title,
			"additionalFields": map[string]any{"location": "Berlin", "workplace_type": "hybrid"},
		}),
		visage("Create Candidate", 400, map[string]any{
			"resource": "candidate", "operation": "create_candidate",
			"additionalFields": map[string]any{
				"job_id": "={{ $json.id }}", "first_name": "Zoë", "last_name": "Durand", "email": email,
			},
		}),
		visage("Update Status", 600, map[string]any{
			"resource": "candidate", "operation": "update_candidate_status",
			"candidate_id": "={{ $json.id }}", "status": "contacted",
		}),
		visage("Attach Resume", 800, map[string]any{
			"resource": "candidate", "operation": "attach_resume",
			"candidate_id": "={{ $json.id }}", "file_url": fileURL,
			"additionalFields": map[string]any{"filename": fileName},
		}),
		visage("Find Candidate", 1000, map[string]any{
			"resource": "candidate", "operation": "find_candidate",
			"filters": map[string]any{"email": email},
		}),
		visage("Download Resume", 1200, map[string]any{
			"resource": "candidate", "operation": "download_resume",
			"candidate_id": "={{ $json.id }}", "binaryPropertyName": "resume",
		}),
	}
	return workflow(actionsWF, "Visage e2e: actions", nodes,
		chain("Start", "Create Job", "Create Candidate", "Update Status", "Attach Resume", "Find Candidate", "Download Resume"))
}

// tagStep tags the trigger item's candidate, so the test can see from the
// hub that the workflow ran and received the unwrapped item.
func tagStep(tag string) map[string]any {
	return visage("Tag Candidate", 300, map[string]any{
		"resource": "candidate", "operation": "add_candidate_tags",
		"candidate_id": "={{ $json.candidate_id }}", "tags": []string{tag},
	})
}

func hookWorkflow() map[string]any {
	trigger := map[string]any{
		"id": "Visage Trigger", "name": "Visage Trigger", "type": visageTrigger, "typeVersion": 1,
		"position": []int{0, 0}, "webhookId": hookWebhookID, "credentials": visageCred,
		"parameters": map[string]any{"event": triggerEventUI},
	}
	return workflow(hookWF, "Visage e2e: webhook trigger", []map[string]any{trigger, tagStep(hookTag)},
		chain("Visage Trigger", "Tag Candidate"))
}

func pollWorkflow() map[string]any {
	trigger := map[string]any{
		"id": "Visage Polling Trigger", "name": "Visage Polling Trigger", "type": visagePoller, "typeVersion": 1,
		"position": []int{0, 0}, "credentials": visageCred,
		"parameters": map[string]any{
			"event":     triggerEventUI,
			"pollTimes": map[string]any{"item": []map[string]any{{"mode": "everyMinute"}}},
		},
	}
	return workflow(pollWF, "Visage e2e: polling trigger", []map[string]any{trigger, tagStep(pollTag)},
		chain("Visage Polling Trigger", "Tag Candidate"))
}
