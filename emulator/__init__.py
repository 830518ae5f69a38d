"""A local AWS Incident Manager (ssm-incidents) and Contacts (ssm-contacts) over their real wire protocols."""
