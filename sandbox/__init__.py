"""The sandbox Amazon: a stateful fake of Login with Amazon and the SP-API operations we use."""
