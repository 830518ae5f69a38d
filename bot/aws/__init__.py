"""The AWS side: one async gateway over ssm-incidents and ssm-contacts."""
