package seed

// The pools demo records are drawn from. They are plain lists, so the demo
// looks like a real sourcing pipeline (several markets, departments and
// seniority levels) without any real person's data.

var firstNames = []string{
	"Amara", "Jonas", "Lena", "Mateo", "Priya", "Kenji", "Sofia", "Noah", "Chiara", "Felix",
	"Aisha", "Lucas", "Mei", "Oskar", "Zara", "Tomás", "Ines", "Elif", "Daniel", "Hanna",
	"Youssef", "Maja", "Arjun", "Clara", "Emeka", "Julia", "Rafael", "Sanna", "Viktor", "Leila",
}

var lastNames = []string{
	"Okafor", "Becker", "Schmidt", "García", "Sharma", "Tanaka", "Rossi", "Dubois", "Kowalski", "Nilsson",
	"Haddad", "Fischer", "Chen", "Lindqvist", "Ahmed", "Silva", "Moreau", "Yılmaz", "Novak", "Jensen",
	"Mensah", "Wagner", "Costa", "Kim", "Bauer", "Andersen", "Ferreira", "Virtanen", "Horvat", "Müller",
}

var cities = []string{
	"Berlin, Germany", "Munich, Germany", "Hamburg, Germany", "Amsterdam, Netherlands", "Paris, France",
	"Lisbon, Portugal", "Barcelona, Spain", "Stockholm, Sweden", "Warsaw, Poland", "London, United Kingdom",
	"Vienna, Austria", "Zurich, Switzerland", "Remote, EU",
}

var companies = []string{
	"Zalando", "N26", "Delivery Hero", "SAP", "Spotify", "Adyen", "Booking.com", "Klarna", "Celonis",
	"Personio", "HelloFresh", "Trade Republic", "GetYourGuide", "Contentful", "Mollie", "Bolt", "Wise",
}

var schools = []struct{ school, degree, field string }{
	{"Technical University of Munich", "MSc", "Computer Science"},
	{"University of Amsterdam", "BSc", "Information Science"},
	{"KTH Royal Institute of Technology", "MSc", "Software Engineering"},
	{"University of Lagos", "BSc", "Computer Science"},
	{"Sorbonne University", "MA", "Economics"},
	{"University of Warsaw", "BSc", "Mathematics"},
	{"ETH Zurich", "MSc", "Data Science"},
	{"University of Lisbon", "BA", "Business Administration"},
	{"Humboldt University of Berlin", "MA", "Psychology"},
	{"Indian Institute of Technology Bombay", "BTech", "Electrical Engineering"},
}

// role is one kind of job the demo account hires for, with the skills and
// titles its candidates plausibly have.
type role struct {
	title, department, employment, workplace string
	description                              string
	candidateTitles                          []string
	skills                                   []string
}

var roles = []role{
	{"Senior Backend Engineer (Go)", "Engineering", "full_time", "hybrid",
		"Build and run the services behind our payments platform: Go, PostgreSQL, Kafka, Kubernetes.",
		[]string{"Senior Software Engineer", "Backend Engineer", "Staff Engineer", "Software Engineer"},
		[]string{"Go", "PostgreSQL", "Kafka", "Kubernetes", "gRPC", "Distributed systems", "AWS", "Terraform"}},
	{"Frontend Engineer (React)", "Engineering", "full_time", "remote",
		"Own the web app our customers use every day: React, TypeScript, accessibility, performance.",
		[]string{"Frontend Engineer", "Senior Frontend Developer", "Full-stack Engineer", "UI Engineer"},
		[]string{"React", "TypeScript", "Next.js", "CSS", "Accessibility", "GraphQL", "Testing Library"}},
	{"Data Engineer", "Data", "full_time", "hybrid",
		"Design the pipelines and models that turn product events into decisions.",
		[]string{"Data Engineer", "Analytics Engineer", "Senior Data Engineer", "BI Engineer"},
		[]string{"Python", "SQL", "dbt", "Airflow", "Spark", "BigQuery", "Snowflake"}},
	{"Account Executive, DACH", "Sales", "full_time", "onsite",
		"Win mid-market customers in Germany, Austria and Switzerland; full sales cycle, German and English.",
		[]string{"Account Executive", "Senior Account Executive", "Sales Manager", "Business Development Manager"},
		[]string{"B2B sales", "SaaS", "Salesforce", "Negotiation", "German", "Pipeline management"}},
	{"Product Designer", "Design", "full_time", "hybrid",
		"Shape how recruiters discover and engage candidates, from research to shipped pixels.",
		[]string{"Product Designer", "Senior UX Designer", "UI/UX Designer", "Interaction Designer"},
		[]string{"Figma", "User research", "Prototyping", "Design systems", "Usability testing"}},
	{"Site Reliability Engineer", "Engineering", "full_time", "remote",
		"Keep our platform fast and available: observability, incident response, capacity planning.",
		[]string{"Site Reliability Engineer", "DevOps Engineer", "Platform Engineer", "Infrastructure Engineer"},
		[]string{"Kubernetes", "Prometheus", "Linux", "Terraform", "Go", "Incident management", "GCP"}},
	{"Talent Acquisition Partner", "People", "full_time", "hybrid",
		"Partner with engineering leaders to hire the team that builds Visage.",
		[]string{"Recruiter", "Talent Acquisition Partner", "Technical Recruiter", "Sourcer"},
		[]string{"Sourcing", "Stakeholder management", "Employer branding", "ATS", "Interviewing"}},
	{"Working Student Marketing", "Marketing", "part_time", "onsite",
		"Support campaigns and content for our European markets, 20 hours a week.",
		[]string{"Marketing Intern", "Working Student", "Content Assistant", "Marketing Assistant"},
		[]string{"Content writing", "SEO", "Social media", "HubSpot", "Canva"}},
}

var managers = []struct{ name, email string }{
	{"Jana Hoffmann", "jana.hoffmann@example.com"},
	{"Marc Olsen", "marc.olsen@example.com"},
	{"Sara Lindberg", "sara.lindberg@example.com"},
	{"David Moreau", "david.moreau@example.com"},
}

var tagPool = []string{"shortlist", "referral", "silver-medalist", "relocation", "phone-screen-booked", "visa-needed"}
