"""A finished render's files: downloads (local file or presigned link) and retention."""
