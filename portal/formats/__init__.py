"""Date formats where Django's own for a language are not how its readers write dates; each language's module
holds only what differs, Django's own module gives the rest."""
