"""Changes through pull requests: who must approve a change (owners), the forge's payloads, init's scaffolding and the answers it validates."""
