from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_past_turnout_to_results")]

    operations = [migrations.DeleteModel(name="PastTurnout")]
