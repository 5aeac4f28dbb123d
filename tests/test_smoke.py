from directory.models import Organisation


def test_seed_loads_five_organisations(seed):
    assert Organisation.objects.count() == 5
