"""Reading Prometheus' text format the way a scraper does, for the metrics tests."""
from prometheus_client.parser import text_string_to_metric_families


def scrape_text(text):
    """{(sample name, frozenset of label items): value} for every sample in `text`."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return scrape_text(response.content.decode())


def value(samples, name, **labels):
    """The sample's value, 0 when the series does not exist yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)
