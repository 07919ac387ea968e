"""The ambitionsgraf report site: answer files in, public site and delivery packages out."""

VERSION = "0.1.0"
