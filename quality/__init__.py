"""Quality work (Roks' plan, do, check, act): the findings and the actions taken on them."""
