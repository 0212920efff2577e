"""Links between posts: duplicates collapse onto a canonical mention, brand replies onto the post they answer.

Pure logic, free of Faust and I/O; the agents in :mod:`pipeline.agents.links` hold the state in tables.
"""
