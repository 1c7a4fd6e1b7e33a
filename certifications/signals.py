from django.dispatch import receiver

from courses.signals import completions_recorded

from .awards import award_for_completions


@receiver(completions_recorded, dispatch_uid="certifications_award_on_completion")
def award_on_completion(sender, completions, **kwargs):
    award_for_completions(completions)
