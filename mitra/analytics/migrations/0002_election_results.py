# Official results per TPS; the past-turnout rows move over in 0003, the old table goes in 0004.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0001_initial'),
        ('elections', '0001_initial'),
        ('offices', '0001_initial'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='figuresimport',
            name='contest_kind',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='figuresimport',
            name='voting_day',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='figuresimport',
            name='kind',
            field=models.CharField(choices=[('voters', 'Rekap DPT'), ('results', 'Hasil per TPS')], max_length=10),
        ),
        migrations.CreateModel(
            name='ElectionResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='mis. Pilwalkot 2018', max_length=80, verbose_name='pemilihan')),
                ('year', models.PositiveSmallIntegerField(verbose_name='tahun')),
                ('voting_day', models.DateField(blank=True, null=True, verbose_name='hari pemungutan suara')),
                ('kind', models.CharField(choices=[('presiden', 'Pemilihan Presiden'), ('legislatif', 'Pemilihan Legislatif'), ('gubernur', 'Pemilihan Gubernur'), ('walikota', 'Pemilihan Wali Kota'), ('bupati', 'Pemilihan Bupati')], max_length=20, verbose_name='jenis')),
                ('election', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='result', to='elections.election', verbose_name='pemilihan program')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.office', verbose_name='kantor')),
            ],
            options={
                'verbose_name': 'hasil pemilihan',
                'verbose_name_plural': 'hasil pemilihan',
                'ordering': ['-year', 'name'],
            },
        ),
        migrations.CreateModel(
            name='StationResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tps', models.CharField(blank=True, max_length=10, verbose_name='TPS')),
                ('dpt', models.PositiveIntegerField(verbose_name='DPT')),
                ('dptb', models.PositiveIntegerField(blank=True, null=True, verbose_name='DPTb')),
                ('dpk', models.PositiveIntegerField(blank=True, null=True, verbose_name='DPK')),
                ('registered', models.PositiveIntegerField(verbose_name='pemilih terdaftar')),
                ('voted', models.PositiveIntegerField(verbose_name='pengguna hak pilih')),
                ('voted_men', models.PositiveIntegerField(blank=True, null=True, verbose_name='pengguna laki-laki')),
                ('voted_women', models.PositiveIntegerField(blank=True, null=True, verbose_name='pengguna perempuan')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.office', verbose_name='kantor')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region')),
                ('result', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stations', to='analytics.electionresult')),
            ],
            options={
                'verbose_name': 'hasil TPS',
                'verbose_name_plural': 'hasil TPS',
            },
        ),
        migrations.AddConstraint(
            model_name='electionresult',
            constraint=models.UniqueConstraint(fields=('office', 'name'), name='election_result_name'),
        ),
        migrations.AddConstraint(
            model_name='stationresult',
            constraint=models.UniqueConstraint(fields=('result', 'region', 'tps'), name='one_row_per_tps'),
        ),
        migrations.AddConstraint(
            model_name='stationresult',
            constraint=models.CheckConstraint(condition=models.Q(('voted__lte', models.F('registered'))), name='station_voted_within_registered'),
        ),
    ]
