"""The ``factbot`` command line and the offline console: a front end over ``facts.service``, like the bot."""
