"""Rule-based text analysis: words and stems, sentences, dates, entities, speakers, aliases and index terms.

Pure functions over text; nothing here imports the store, the matcher or any other part of ``facts``.
"""
