def run(): """placeholder"""
