"""What each role may do in analytics (crm_site.roles.grant; `manage.py seed_roles` applies it).

Reps see the scores of their own customers on the customer page, never a dashboard; managers get their team's
dashboard; executives the company's (and the monthly reports); admins also run jobs.
"""

from crm_site.roles import grant

SCORES = "analytics.view_customerscore"
TEAM = "analytics.view_team_dashboard"
COMPANY = "analytics.view_company_dashboard"
REPORTS = "analytics.view_management_report"

grant("sales_rep", SCORES)
grant("sales_manager", SCORES, TEAM)
grant("service_manager", SCORES)
grant("marketing", SCORES)
grant("executive", SCORES, COMPANY, TEAM, REPORTS)
grant("admin", SCORES, COMPANY, TEAM, REPORTS, "analytics.run_job", "analytics.view_jobrun")
