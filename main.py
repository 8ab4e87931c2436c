from source_databricks.run import run

if __name__ == "__main__":
    run()
