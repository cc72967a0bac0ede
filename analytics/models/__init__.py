from analytics.models.builder import ReportSchedule, SavedReport, ScheduleDelivery
from analytics.models.jobs import JobRun
from analytics.models.reports import ManagementReport
from analytics.models.scores import CustomerScore
from analytics.models.visits import VisitRule

__all__ = [
    "CustomerScore",
    "JobRun",
    "ManagementReport",
    "ReportSchedule",
    "SavedReport",
    "ScheduleDelivery",
    "VisitRule",
]
