"""Community pages: forum, EA library, Q&A, bounties, challenges."""
