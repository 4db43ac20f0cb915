"""Files and drives: walking trees, volumes and mounts, watching, durable writes, paced reading."""
