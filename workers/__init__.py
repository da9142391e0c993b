"""The RQ side: job functions and the worker that runs them inside the Flask app."""
